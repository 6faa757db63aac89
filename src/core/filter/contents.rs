//! Looking inside object and array values: an update whose value holds only visual
//! differences is visual too (X6 creates `ports/items/0/attrs` whole when a port is first
//! shown).

use serde_json::{Map, Value};

use super::rule::VisualRule;
use super::visual_filter::VisualFilter;

/// The first rule of the leaves that differ between `before` and `after` below `path`, when
/// there is at least one such leaf and every one is visual; otherwise `None` (semantic).
/// A missing side counts as an empty object or array, so a value that appears or
/// disappears is judged by its leaves. Arrays of different lengths are one leaf, as in
/// [`diff_change_event`](crate::core::model::diff_change_event).
pub(super) fn first_rule_if_all_visual<'f>(
    filter: &'f VisualFilter,
    path: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Option<&'f VisualRule> {
    let is_container =
        |value: Option<&Value>| matches!(value, Some(Value::Object(_) | Value::Array(_)));
    if !is_container(before) && !is_container(after) {
        return None;
    }
    let mut walk = Walk {
        filter,
        path: path.to_owned(),
        first_rule: None,
    };
    if walk.all_visual(before, after) {
        walk.first_rule
    } else {
        None
    }
}

struct Walk<'f> {
    filter: &'f VisualFilter,
    path: String,
    first_rule: Option<&'f VisualRule>,
}

impl<'f> Walk<'f> {
    /// Whether every differing leaf below `self.path` is visual (records the first rule).
    fn all_visual(&mut self, before: Option<&Value>, after: Option<&Value>) -> bool {
        match (before, after) {
            (Some(Value::Object(old)), Some(Value::Object(new))) => self.objects(old, new),
            (Some(Value::Array(old)), Some(Value::Array(new))) if old.len() == new.len() => old
                .iter()
                .zip(new)
                .enumerate()
                .all(|(index, (old, new))| self.child(&index.to_string(), Some(old), Some(new))),
            (Some(Value::Object(only)), None) if !only.is_empty() => {
                self.objects(only, &Map::new())
            }
            (None, Some(Value::Object(only))) if !only.is_empty() => {
                self.objects(&Map::new(), only)
            }
            (Some(Value::Array(only)), None) if !only.is_empty() => self.one_sided(only, true),
            (None, Some(Value::Array(only))) if !only.is_empty() => self.one_sided(only, false),
            _ if before == after => true,
            _ => match self.filter.classify_path(&self.path) {
                Some(rule) => {
                    self.first_rule.get_or_insert(rule);
                    true
                }
                None => false,
            },
        }
    }

    fn objects(&mut self, old: &Map<String, Value>, new: &Map<String, Value>) -> bool {
        old.iter()
            .all(|(key, value)| self.child(key, Some(value), new.get(key)))
            && new
                .iter()
                .filter(|(key, _)| !old.contains_key(*key))
                .all(|(key, value)| self.child(key, None, Some(value)))
    }

    fn one_sided(&mut self, items: &[Value], is_before: bool) -> bool {
        items.iter().enumerate().all(|(index, item)| {
            let (old, new) = if is_before {
                (Some(item), None)
            } else {
                (None, Some(item))
            };
            self.child(&index.to_string(), old, new)
        })
    }

    fn child(&mut self, segment: &str, before: Option<&Value>, after: Option<&Value>) -> bool {
        let parent_len = self.path.len();
        self.path.push('/');
        self.path.push_str(segment);
        let visual = self.all_visual(before, after);
        self.path.truncate(parent_len);
        visual
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule_id(path: &str, before: Option<Value>, after: Option<Value>) -> Option<String> {
        let filter = VisualFilter::default();
        first_rule_if_all_visual(&filter, path, before.as_ref(), after.as_ref())
            .map(|rule| rule.id().to_owned())
    }

    #[test]
    fn a_value_holding_only_visual_leaves_is_visual() {
        let highlight = json!({ "body": { "stroke": "#f00", "strokeWidth": 3 } });
        assert_eq!(
            rule_id("attrs", None, Some(highlight)).as_deref(),
            Some("selection-stroke")
        );
        let ports = json!([{ "attrs": { "circle": { "fill": "#fff" } } }]);
        let shown = json!([{ "attrs": { "circle": { "fill": "#fff", "style": { "visibility": "visible" } } } }]);
        assert_eq!(
            rule_id("ports/items", Some(ports), Some(shown)).as_deref(),
            Some("port-visibility")
        );
    }

    #[test]
    fn one_semantic_leaf_or_no_leaf_makes_it_semantic() {
        let mixed = json!({ "body": { "stroke": "#f00", "fill": "#0f0" } });
        assert_eq!(rule_id("attrs", None, Some(mixed)), None);
        assert_eq!(rule_id("data", None, Some(json!({}))), None);
        assert_eq!(rule_id("position/x", Some(json!(1)), Some(json!(2))), None);
        let grown = json!([{ "id": "p1" }, { "id": "p2" }]);
        assert_eq!(
            rule_id("ports/items", Some(json!([{ "id": "p1" }])), Some(grown)),
            None
        );
    }
}
