// Cards in the local web chat: the chat stores and shows the neutral card as is (chat.html cardView draws
// it), so the one thing to know here is what a click on it showed: the text of the button clicked.
import type { Card } from '../types.ts';

/** The text of the button with this key on a stored card; undefined when the card or button is not there. */
export function clickedButtonText(card: Card | undefined, actionKey: string): string | undefined {
  return Array.isArray(card?.buttons) ? card.buttons.find((b) => b.actionKey === actionKey)?.text : undefined;
}
