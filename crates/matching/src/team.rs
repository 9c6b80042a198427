//! Team formation.
