// How secretaries write these reports (the templates' own wording and the common variants).
export const BIRTHDAY_ACTIVITY = /^(?:我们|本支部)?(?:已经?|已)(?:开展|组织|举办|过)了?(?:(?<month>\d{1,2})月(?:份)?的?)?(?:集体)?(?:过)?政治生日(?:活动)?[。！!.]*$/u;
export const HARDSHIP_REVIEWED = /^(?:本单位)?(?:生活)?困难党员(?:名单|信息)?(?:已经?)(?:核实)?(?:并|和)?(?:已)?(?:核实|上报|核实上报|核实并上报)[了。！!.]*$/u;
