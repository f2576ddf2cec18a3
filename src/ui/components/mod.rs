//! Building blocks shared by screens.

pub mod icons;
pub mod sparkline;
pub mod theme;
