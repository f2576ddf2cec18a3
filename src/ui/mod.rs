//! The panel's user interface: shared components and one module per screen.

pub mod components;
pub mod layout;
pub mod pages;
