//! Building blocks shared by screens.

pub mod hydration;
pub mod icons;
pub mod sparkline;
pub mod theme;
