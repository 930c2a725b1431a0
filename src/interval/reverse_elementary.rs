//! Reverse-mode elementary functions.
