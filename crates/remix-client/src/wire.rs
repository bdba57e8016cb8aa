//! The request's enumerations, each serialized to its exact wire string,
//! and each with an `Other` variant that sends a value this crate does not
//! know yet (the API's model and style lists have grown before).
//!
//! The module is long because the API lists 78 resolutions, one variant
//! (and one doc line) each; the code is the `wire_enum!` macro above them.
//!
//! Each enum's wire values are written once, in its `wire_enum!` list;
//! `KNOWN`, the JSON Schema and the CLI's help are derived from it. The
//! models, with what each takes, are in [`crate::models`].

/// Declares an enum whose variants serialize to their wire strings, with
/// an `Other(String)` variant for values this crate does not know yet.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know yet, sent exactly as given.
            /// Checks that depend on knowing the value are skipped for it.
            Other(String),
        }

        impl $name {
            /// Every wire value this crate knows, in the API's order.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The wire string.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Other(value) => value,
                }
            }

            /// Whether this is a value this crate knows (not `Other`).
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }

            /// The known value with this exact wire string, if any.
            pub fn from_known(wire: &str) -> Option<Self> {
                match wire {
                    $( $wire => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl From<&str> for $name {
            /// A known value for its exact wire string, `Other` for anything
            /// else (sent unchanged).
            fn from(wire: &str) -> Self {
                $name::from_known(wire).unwrap_or_else(|| $name::Other(wire.to_string()))
            }
        }

        impl From<String> for $name {
            fn from(wire: String) -> Self {
                $name::from_known(&wire).unwrap_or($name::Other(wire))
            }
        }

        impl From<&$name> for $name {
            fn from(value: &$name) -> Self {
                value.clone()
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(wire: &str) -> Result<Self, Self::Err> {
                Ok($name::from(wire))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": "One of the known values, or any other non-empty string the API may accept later.",
                    "anyOf": [
                        { "type": "string", "enum": $name::KNOWN },
                        { "type": "string", "minLength": 1 }
                    ]
                })
            }
        }
    };
}

pub(crate) use wire_enum;

wire_enum! {
    /// The image's aspect ratio (`aspect_ratio`). The server's default is
    /// [`AspectRatio::SERVER_DEFAULT`]. Cannot be combined with a [`Resolution`].
    AspectRatio {
        /// 10:16.
        Ratio10x16 = "ASPECT_10_16",
        /// 16:10.
        Ratio16x10 = "ASPECT_16_10",
        /// 9:16.
        Ratio9x16 = "ASPECT_9_16",
        /// 16:9.
        Ratio16x9 = "ASPECT_16_9",
        /// 3:2.
        Ratio3x2 = "ASPECT_3_2",
        /// 2:3.
        Ratio2x3 = "ASPECT_2_3",
        /// 4:3.
        Ratio4x3 = "ASPECT_4_3",
        /// 3:4.
        Ratio3x4 = "ASPECT_3_4",
        /// 1:1.
        Ratio1x1 = "ASPECT_1_1",
        /// 1:3.
        Ratio1x3 = "ASPECT_1_3",
        /// 3:1.
        Ratio3x1 = "ASPECT_3_1",
    }
}

impl AspectRatio {
    /// The aspect ratio the server uses when the request names none.
    pub const SERVER_DEFAULT: AspectRatio = AspectRatio::Ratio1x1;

    /// The ratio as `(width, height)`, for a known value.
    pub fn ratio(&self) -> Option<(u32, u32)> {
        parse_pair(self.as_str().strip_prefix("ASPECT_")?).filter(|_| self.is_known())
    }

    /// The known ratio `width:height` (`AspectRatio::from_ratio(16, 9)` is
    /// [`AspectRatio::Ratio16x9`]); `None` for a ratio the API does not list.
    pub fn from_ratio(width: u32, height: u32) -> Option<Self> {
        Self::from_known(&format!("ASPECT_{width}_{height}"))
    }
}

wire_enum! {
    /// The output resolution (`resolution`): the 78 values the API lists.
    /// Only some models take one (see [`Model::takes`](crate::Model::takes)),
    /// and never together with an [`AspectRatio`].
    Resolution {
        /// 512 x 1536 pixels.
        R512x1536 = "RESOLUTION_512_1536",
        /// 576 x 1408 pixels.
        R576x1408 = "RESOLUTION_576_1408",
        /// 576 x 1472 pixels.
        R576x1472 = "RESOLUTION_576_1472",
        /// 576 x 1536 pixels.
        R576x1536 = "RESOLUTION_576_1536",
        /// 640 x 1024 pixels.
        R640x1024 = "RESOLUTION_640_1024",
        /// 640 x 1344 pixels.
        R640x1344 = "RESOLUTION_640_1344",
        /// 640 x 1408 pixels.
        R640x1408 = "RESOLUTION_640_1408",
        /// 640 x 1472 pixels.
        R640x1472 = "RESOLUTION_640_1472",
        /// 640 x 1536 pixels.
        R640x1536 = "RESOLUTION_640_1536",
        /// 704 x 1152 pixels.
        R704x1152 = "RESOLUTION_704_1152",
        /// 704 x 1216 pixels.
        R704x1216 = "RESOLUTION_704_1216",
        /// 704 x 1280 pixels.
        R704x1280 = "RESOLUTION_704_1280",
        /// 704 x 1344 pixels.
        R704x1344 = "RESOLUTION_704_1344",
        /// 704 x 1408 pixels.
        R704x1408 = "RESOLUTION_704_1408",
        /// 704 x 1472 pixels.
        R704x1472 = "RESOLUTION_704_1472",
        /// 720 x 1280 pixels.
        R720x1280 = "RESOLUTION_720_1280",
        /// 736 x 1312 pixels.
        R736x1312 = "RESOLUTION_736_1312",
        /// 768 x 1024 pixels.
        R768x1024 = "RESOLUTION_768_1024",
        /// 768 x 1088 pixels.
        R768x1088 = "RESOLUTION_768_1088",
        /// 768 x 1152 pixels.
        R768x1152 = "RESOLUTION_768_1152",
        /// 768 x 1216 pixels.
        R768x1216 = "RESOLUTION_768_1216",
        /// 768 x 1232 pixels.
        R768x1232 = "RESOLUTION_768_1232",
        /// 768 x 1280 pixels.
        R768x1280 = "RESOLUTION_768_1280",
        /// 768 x 1344 pixels.
        R768x1344 = "RESOLUTION_768_1344",
        /// 832 x 960 pixels.
        R832x960 = "RESOLUTION_832_960",
        /// 832 x 1024 pixels.
        R832x1024 = "RESOLUTION_832_1024",
        /// 832 x 1088 pixels.
        R832x1088 = "RESOLUTION_832_1088",
        /// 832 x 1152 pixels.
        R832x1152 = "RESOLUTION_832_1152",
        /// 832 x 1216 pixels.
        R832x1216 = "RESOLUTION_832_1216",
        /// 832 x 1248 pixels.
        R832x1248 = "RESOLUTION_832_1248",
        /// 864 x 1152 pixels.
        R864x1152 = "RESOLUTION_864_1152",
        /// 896 x 960 pixels.
        R896x960 = "RESOLUTION_896_960",
        /// 896 x 1024 pixels.
        R896x1024 = "RESOLUTION_896_1024",
        /// 896 x 1088 pixels.
        R896x1088 = "RESOLUTION_896_1088",
        /// 896 x 1120 pixels.
        R896x1120 = "RESOLUTION_896_1120",
        /// 896 x 1152 pixels.
        R896x1152 = "RESOLUTION_896_1152",
        /// 960 x 832 pixels.
        R960x832 = "RESOLUTION_960_832",
        /// 960 x 896 pixels.
        R960x896 = "RESOLUTION_960_896",
        /// 960 x 1024 pixels.
        R960x1024 = "RESOLUTION_960_1024",
        /// 960 x 1088 pixels.
        R960x1088 = "RESOLUTION_960_1088",
        /// 1024 x 640 pixels.
        R1024x640 = "RESOLUTION_1024_640",
        /// 1024 x 768 pixels.
        R1024x768 = "RESOLUTION_1024_768",
        /// 1024 x 832 pixels.
        R1024x832 = "RESOLUTION_1024_832",
        /// 1024 x 896 pixels.
        R1024x896 = "RESOLUTION_1024_896",
        /// 1024 x 960 pixels.
        R1024x960 = "RESOLUTION_1024_960",
        /// 1024 x 1024 pixels.
        R1024x1024 = "RESOLUTION_1024_1024",
        /// 1088 x 768 pixels.
        R1088x768 = "RESOLUTION_1088_768",
        /// 1088 x 832 pixels.
        R1088x832 = "RESOLUTION_1088_832",
        /// 1088 x 896 pixels.
        R1088x896 = "RESOLUTION_1088_896",
        /// 1088 x 960 pixels.
        R1088x960 = "RESOLUTION_1088_960",
        /// 1120 x 896 pixels.
        R1120x896 = "RESOLUTION_1120_896",
        /// 1152 x 704 pixels.
        R1152x704 = "RESOLUTION_1152_704",
        /// 1152 x 768 pixels.
        R1152x768 = "RESOLUTION_1152_768",
        /// 1152 x 832 pixels.
        R1152x832 = "RESOLUTION_1152_832",
        /// 1152 x 864 pixels.
        R1152x864 = "RESOLUTION_1152_864",
        /// 1152 x 896 pixels.
        R1152x896 = "RESOLUTION_1152_896",
        /// 1216 x 704 pixels.
        R1216x704 = "RESOLUTION_1216_704",
        /// 1216 x 768 pixels.
        R1216x768 = "RESOLUTION_1216_768",
        /// 1216 x 832 pixels.
        R1216x832 = "RESOLUTION_1216_832",
        /// 1232 x 768 pixels.
        R1232x768 = "RESOLUTION_1232_768",
        /// 1248 x 832 pixels.
        R1248x832 = "RESOLUTION_1248_832",
        /// 1280 x 704 pixels.
        R1280x704 = "RESOLUTION_1280_704",
        /// 1280 x 720 pixels.
        R1280x720 = "RESOLUTION_1280_720",
        /// 1280 x 768 pixels.
        R1280x768 = "RESOLUTION_1280_768",
        /// 1280 x 800 pixels.
        R1280x800 = "RESOLUTION_1280_800",
        /// 1312 x 736 pixels.
        R1312x736 = "RESOLUTION_1312_736",
        /// 1344 x 640 pixels.
        R1344x640 = "RESOLUTION_1344_640",
        /// 1344 x 704 pixels.
        R1344x704 = "RESOLUTION_1344_704",
        /// 1344 x 768 pixels.
        R1344x768 = "RESOLUTION_1344_768",
        /// 1408 x 576 pixels.
        R1408x576 = "RESOLUTION_1408_576",
        /// 1408 x 640 pixels.
        R1408x640 = "RESOLUTION_1408_640",
        /// 1408 x 704 pixels.
        R1408x704 = "RESOLUTION_1408_704",
        /// 1472 x 576 pixels.
        R1472x576 = "RESOLUTION_1472_576",
        /// 1472 x 640 pixels.
        R1472x640 = "RESOLUTION_1472_640",
        /// 1472 x 704 pixels.
        R1472x704 = "RESOLUTION_1472_704",
        /// 1536 x 512 pixels.
        R1536x512 = "RESOLUTION_1536_512",
        /// 1536 x 576 pixels.
        R1536x576 = "RESOLUTION_1536_576",
        /// 1536 x 640 pixels.
        R1536x640 = "RESOLUTION_1536_640",
    }
}

impl Resolution {
    /// `(width, height)` in pixels, for a known value.
    pub fn dimensions(&self) -> Option<(u32, u32)> {
        parse_pair(self.as_str().strip_prefix("RESOLUTION_")?).filter(|_| self.is_known())
    }

    /// The known resolution `width` x `height`; `None` for a size the API
    /// does not list.
    pub fn from_dimensions(width: u32, height: u32) -> Option<Self> {
        Self::from_known(&format!("RESOLUTION_{width}_{height}"))
    }
}

fn parse_pair(text: &str) -> Option<(u32, u32)> {
    let (a, b) = text.split_once('_')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

wire_enum! {
    /// Whether MagicPrompt rewrites the prompt (`magic_prompt_option`).
    MagicPromptOption {
        /// The server decides.
        Auto = "AUTO",
        /// Always.
        On = "ON",
        /// Never.
        Off = "OFF",
    }
}

wire_enum! {
    /// The MagicPrompt version (`magic_prompt_version`).
    #[allow(non_camel_case_types)]
    MagicPromptVersion {
        /// V_0.
        V0 = "V_0",
        /// V_0_1.
        V0_1 = "V_0_1",
        /// V_0_2.
        V0_2 = "V_0_2",
        /// V_0_3.
        V0_3 = "V_0_3",
        /// V_0_4.
        V0_4 = "V_0_4",
        /// V_0_5.
        V0_5 = "V_0_5",
        /// V_0_6.
        V0_6 = "V_0_6",
        /// V_0_7.
        V0_7 = "V_0_7",
        /// V_0_8.
        V0_8 = "V_0_8",
    }
}

wire_enum! {
    /// The style (`style_type`). Only some models take one (see
    /// [`Model::takes`](crate::Model::takes)).
    StyleType {
        /// The server decides.
        Auto = "AUTO",
        /// General.
        General = "GENERAL",
        /// Realistic.
        Realistic = "REALISTIC",
        /// Design.
        Design = "DESIGN",
        /// 3D render.
        Render3d = "RENDER_3D",
        /// Anime.
        Anime = "ANIME",
        /// Fiction.
        Fiction = "FICTION",
        /// Custom.
        Custom = "CUSTOM",
        /// Stylized.
        Stylized = "STYLIZED",
    }
}

wire_enum! {
    /// A preset color palette (`color_palette.name`).
    PalettePreset {
        /// Ember.
        Ember = "EMBER",
        /// Fresh.
        Fresh = "FRESH",
        /// Jungle.
        Jungle = "JUNGLE",
        /// Magic.
        Magic = "MAGIC",
        /// Melon.
        Melon = "MELON",
        /// Mosaic.
        Mosaic = "MOSAIC",
        /// Pastel.
        Pastel = "PASTEL",
        /// Ultramarine.
        Ultramarine = "ULTRAMARINE",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip_through_their_wire_strings() {
        for wire in Resolution::KNOWN {
            let r = Resolution::from(*wire);
            assert!(r.is_known(), "{wire}");
            assert_eq!(r.as_str(), *wire);
        }
        assert_eq!(Resolution::KNOWN.len(), 78);
        assert_eq!(AspectRatio::KNOWN.len(), 11);
        assert_eq!(StyleType::from("RENDER_3D"), StyleType::Render3d);
        assert_eq!(MagicPromptVersion::from("V_0_8"), MagicPromptVersion::V0_8);
    }

    #[test]
    fn unknown_values_are_kept_exactly() {
        assert_eq!(StyleType::from("NOIR"), StyleType::Other("NOIR".into()));
        assert_eq!(
            StyleType::from("anime"),
            StyleType::Other("anime".into()),
            "no case folding"
        );
        assert_eq!(
            serde_json::to_string(&StyleType::Other("NOIR".into())).unwrap(),
            "\"NOIR\""
        );
    }

    #[test]
    fn dimensions_and_ratios() {
        assert_eq!(Resolution::R1024x1024.dimensions(), Some((1024, 1024)));
        assert_eq!(Resolution::from_dimensions(1536, 640), Some(Resolution::R1536x640));
        assert_eq!(Resolution::from_dimensions(1000, 1000), None);
        assert_eq!(AspectRatio::from_ratio(16, 9), Some(AspectRatio::Ratio16x9));
        assert_eq!(AspectRatio::Ratio10x16.ratio(), Some((10, 16)));
        assert_eq!(AspectRatio::Other("ASPECT_5_4".into()).ratio(), None);
    }
}
