//! Interval bound propagation.
