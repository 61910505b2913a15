// The member a row of assistance is about, where they sit and by which names: the columns every assistance
// repository selects with its rows (the access rule needs the place; cards and lists need the names).
export interface MemberPlaceColumns {
  member_id: string;
  member_name: string;
  member_userid: string | null;
  branch_id: string;
  branch: string;
  gb_id: string;
  general_branch: string;
  committee_id: string;
}
