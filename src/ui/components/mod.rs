//! Building blocks shared by screens.

pub mod account_filter;
pub mod badges;
pub mod copy;
pub mod icons;
pub mod load_error;
pub mod pager;
pub mod report_live;
pub mod sparkline;
pub mod status_card;
pub mod textarea;
pub mod theme;
pub mod toasts;
