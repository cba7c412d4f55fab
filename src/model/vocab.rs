//! Closed vocabularies (record kinds, outcomes, statuses, reason codes, …) declared
//! once: [`vocabulary!`] turns one list of `Variant = "name"` pairs into the enum, its
//! `as_str`/`from_name` pair, `Display`, and serde that read and write the same names.
//! No other table of these names may exist.

/// Declare a closed vocabulary: an enum whose variants each have one stable name.
///
/// ```ignore
/// vocabulary! {
///     /// Doc.
///     pub enum Colour { Red = "red", Dark = "dark-blue" }
/// }
/// ```
/// generates `Colour::as_str`, `Colour::from_name`, `Colour::VARIANTS`, `Display`,
/// `Serialize` and `Deserialize` (the name, exactly). Extra derives (`Default`) and
/// variant attributes (`#[default]`, docs) pass through.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $id:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const VARIANTS: &'static [$name] = &[$($name::$variant),+];

            /// The stable name (as written in JSON, CSV, catalog files and URLs).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $id),+
                }
            }

            /// The variant with this exact name.
            pub fn from_name(name: &str) -> Option<$name> {
                match name {
                    $($id => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<$name, String> {
                $name::from_name(s).ok_or_else(|| {
                    let names: Vec<&str> = $name::VARIANTS.iter().map(|v| v.as_str()).collect();
                    format!("{s:?} is not one of {}", names.join(", "))
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::from_name(&s).ok_or_else(|| {
                    serde::de::Error::unknown_variant(&s, &[$($id),+])
                })
            }
        }
    };
}

pub(crate) use vocabulary;

#[cfg(test)]
mod tests {
    vocabulary! {
        /// A test vocabulary.
        #[derive(Default)]
        enum Colour {
            /// Red.
            #[default]
            Red = "red",
            /// Dark blue.
            DarkBlue = "dark-blue",
        }
    }

    #[test]
    fn names_are_written_and_read_from_one_list() {
        assert_eq!(Colour::DarkBlue.as_str(), "dark-blue");
        assert_eq!(Colour::from_name("red"), Some(Colour::Red));
        assert_eq!(Colour::from_name("Red"), None);
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).unwrap(),
            "\"dark-blue\""
        );
        let back: Colour = serde_json::from_str("\"dark-blue\"").unwrap();
        assert_eq!(back, Colour::DarkBlue);
        assert!(serde_json::from_str::<Colour>("\"green\"").is_err());
        assert_eq!(Colour::default(), Colour::Red);
        assert!("green"
            .parse::<Colour>()
            .unwrap_err()
            .contains("red, dark-blue"));
    }
}
