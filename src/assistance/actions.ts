// The buttons of assistance cards (notices/cards.ts keys: `<action>-<id>…`). One list, so the card that asks,
// the reminder that asks again and the handler that answers all use the same words.
export const ASSISTANCE_ACTION = {
  // the registry
  hardshipConsent: 'hsconsent', // 同意 (the member consents to a recommendation): hsconsent-<entry>
  hardshipDecline: 'hsdecline', // 不同意: hsdecline-<entry>
  hardshipApprove: 'hsapprove', // 通过 (the GB): hsapprove-<entry>
  hardshipReject: 'hsreject', // 不通过, the reason in the next message: hsreject-<entry>
  hardshipCause: 'hscause', // a cause picked when the text named none: hscause-<entry>-<cause index>
  // the May/November verification
  verifyConfirm: 'hvok', // 仍困难: hvok-<entry>-<yyyymm>
  verifyArchive: 'hvarchive', // 已好转: hvarchive-<entry>-<yyyymm>
  verifyPage: 'hvpage', // next page of the GB's list: hvpage-<gb>-<yyyymm>-<page>
  verifySubmit: 'hvsubmit', // 核实完毕: hvsubmit-<gb>-<yyyymm>
  // emergency aid
  aidConsent: 'aidconsent', // aidconsent-<aid>
  aidDecline: 'aiddecline',
  aidAgree: 'aidagree', // the GB's opinion 同意 (a line may follow)
  aidDisagree: 'aiddisagree', // 不同意, the reason in the next message
  aidApprove: 'aidapprove', // the OD approves the amount asked: aidapprove-<aid>
  aidReject: 'aidreject',
  aidPaid: 'aidpaid', // 已发放
  // fixed monthly subsidy
  subsidyConfirm: 'subok', // the OD confirms the good record (一贯表现良好): subok-<subsidy>
  subsidyWithdraw: 'subcancel',
  subsidyRenew: 'subrenew', // 续期
  subsidyEnd: 'subend', // 到期终止
} as const;
