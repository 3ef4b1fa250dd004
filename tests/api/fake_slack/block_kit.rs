//! What real Slack refuses in messages and views: Block Kit's limits (our Slack notes, d.3),
//! answered as Slack answers, with `invalid_blocks` (messages) or `invalid_arguments` (views)
//! and one `[ERROR] … [json-pointer:…]` line per problem. Lengths are characters of the JSON
//! string value as sent, so escapes count whole (`&amp;` is 5).

use serde_json::Value;
use std::collections::HashSet;

/// Why the fake refused a call: Slack's error code and its `response_metadata.messages`.
#[derive(Debug)]
pub struct Refusal {
    pub error: &'static str,
    pub messages: Vec<String>,
}

const MESSAGE_TEXT: usize = 40_000;
const MESSAGE_BLOCKS: usize = 50;
const VIEW_BLOCKS: usize = 100;
const ID: usize = 255;
/// Any text object without a smaller limit of its own (Block Kit's text object maximum).
const TEXT: usize = 3_000;

/// `chat.postMessage`, `chat.postEphemeral` and `chat.update`.
pub fn check_message(body: &Value, needs_text: bool) -> Result<(), Refusal> {
    let text = body["text"].as_str().unwrap_or_default();
    if text.chars().count() > MESSAGE_TEXT {
        return Err(Refusal {
            error: "msg_too_long",
            messages: Vec::new(),
        });
    }
    let blocks = parsed(&body["blocks"]);
    let has_blocks = blocks.as_array().is_some_and(|b| !b.is_empty());
    if needs_text && text.trim().is_empty() && !has_blocks {
        return Err(Refusal {
            error: "no_text",
            messages: Vec::new(),
        });
    }
    let mut check = Checker::default();
    if !blocks.is_null() {
        check.blocks(&blocks, "/blocks", MESSAGE_BLOCKS);
    }
    check.result("invalid_blocks")
}

/// `views.open`, `views.update`, `views.push` and `views.publish`.
pub fn check_view(body: &Value) -> Result<(), Refusal> {
    let view = parsed(&body["view"]);
    let mut check = Checker::default();
    let at = "/view";
    match view["type"].as_str() {
        Some("modal") => {
            check.text_object(&view["title"], &format!("{at}/title"), 24, true, true);
            for button in ["submit", "close"] {
                check.text_object(&view[button], &format!("{at}/{button}"), 24, true, false);
            }
            let has_input = view["blocks"]
                .as_array()
                .is_some_and(|b| b.iter().any(|b| b["type"] == "input"));
            if has_input && view["submit"].is_null() {
                check.error(
                    &format!("{at}/submit"),
                    "must provide submit when an input block is present",
                );
            }
        }
        Some("home") => {}
        _ => check.error(&format!("{at}/type"), "must be one of: modal, home"),
    }
    check.string(
        &view["private_metadata"],
        &format!("{at}/private_metadata"),
        3_000,
        false,
        false,
    );
    check.string(
        &view["callback_id"],
        &format!("{at}/callback_id"),
        ID,
        false,
        false,
    );
    check.string(
        &view["external_id"],
        &format!("{at}/external_id"),
        ID,
        false,
        false,
    );
    if view["blocks"].is_null() {
        check.error(&format!("{at}/blocks"), "missing required field: blocks");
    } else {
        check.blocks(&view["blocks"], &format!("{at}/blocks"), VIEW_BLOCKS);
    }
    check.result("invalid_arguments")
}

/// Form-encoded calls carry `blocks` and `view` as JSON strings.
fn parsed(value: &Value) -> Value {
    match value {
        Value::String(json) => serde_json::from_str(json).unwrap_or(Value::String(json.clone())),
        other => other.clone(),
    }
}

#[derive(Default)]
struct Checker {
    messages: Vec<String>,
    block_ids: HashSet<String>,
}

impl Checker {
    fn result(self, error: &'static str) -> Result<(), Refusal> {
        if self.messages.is_empty() {
            Ok(())
        } else {
            Err(Refusal {
                error,
                messages: self.messages,
            })
        }
    }

    fn error(&mut self, at: &str, what: &str) {
        self.messages
            .push(format!("[ERROR] {what} [json-pointer:{at}]"));
    }

    /// A string field: present when `required`, not empty when `non_empty`, at most `max`.
    fn string(&mut self, value: &Value, at: &str, max: usize, required: bool, non_empty: bool) {
        match value {
            Value::Null if !required => {}
            Value::Null => self.error(at, "missing required field"),
            Value::String(s) => {
                let n = s.chars().count();
                if n > max {
                    self.error(at, &format!("must be less than {} characters", max + 1));
                } else if non_empty && n == 0 {
                    self.error(at, "must be more than 0 characters");
                }
            }
            _ => self.error(at, "must provide a string"),
        }
    }

    /// A text object: `plain_text` (or `mrkdwn` unless `plain_only`) with a non-empty text.
    fn text_object(
        &mut self,
        value: &Value,
        at: &str,
        max: usize,
        plain_only: bool,
        required: bool,
    ) {
        if value.is_null() {
            if required {
                self.error(at, "missing required field");
            }
            return;
        }
        match value["type"].as_str() {
            Some("plain_text") => {}
            Some("mrkdwn") if !plain_only => {}
            _ if plain_only => self.error(&format!("{at}/type"), "must be plain_text"),
            _ => self.error(&format!("{at}/type"), "must be one of: plain_text, mrkdwn"),
        }
        self.string(&value["text"], &format!("{at}/text"), max, true, true);
    }

    /// An array of at most `max` items (and at least one unless `may_be_empty`).
    fn array<'v>(
        &mut self,
        value: &'v Value,
        at: &str,
        max: usize,
        may_be_empty: bool,
    ) -> &'v [Value] {
        let Some(items) = value.as_array() else {
            self.error(at, "must provide an array");
            return &[];
        };
        if items.len() > max {
            self.error(at, &format!("no more than {max} items allowed"));
        } else if items.is_empty() && !may_be_empty {
            self.error(at, "must provide at least 1 item");
        }
        items
    }

    fn blocks(&mut self, blocks: &Value, at: &str, max: usize) {
        for (i, block) in self.array(blocks, at, max, true).iter().enumerate() {
            self.block(block, &format!("{at}/{i}"));
        }
    }

    fn block(&mut self, block: &Value, at: &str) {
        if let Some(id) = block["block_id"].as_str()
            && !self.block_ids.insert(id.to_owned())
        {
            self.error(&format!("{at}/block_id"), "duplicate block_id");
        }
        self.string(
            &block["block_id"],
            &format!("{at}/block_id"),
            ID,
            false,
            true,
        );
        match block["type"].as_str().unwrap_or_default() {
            "section" => {
                if block["text"].is_null() && block["fields"].is_null() {
                    self.error(at, "must provide text or fields");
                }
                self.text_object(&block["text"], &format!("{at}/text"), 3_000, false, false);
                if !block["fields"].is_null() {
                    let fields = self.array(&block["fields"], &format!("{at}/fields"), 10, false);
                    for (i, field) in fields.iter().enumerate() {
                        self.text_object(field, &format!("{at}/fields/{i}"), 2_000, false, true);
                    }
                }
                if !block["accessory"].is_null() {
                    let at = format!("{at}/accessory");
                    // Like Slack: the date-and-time picker lives in input and actions blocks only.
                    if block["accessory"]["type"] == "datetimepicker" {
                        self.error(&format!("{at}/type"), "unsupported type: datetimepicker");
                    }
                    self.element(&block["accessory"], &at);
                }
            }
            "header" => self.text_object(&block["text"], &format!("{at}/text"), 150, true, true),
            "context" => {
                let elements = self.array(&block["elements"], &format!("{at}/elements"), 10, false);
                for (i, element) in elements.iter().enumerate() {
                    let at = format!("{at}/elements/{i}");
                    if element["type"] == "image" {
                        self.image(element, &at);
                    } else {
                        self.text_object(element, &at, TEXT, false, true);
                    }
                }
            }
            "actions" => {
                let elements = self.array(&block["elements"], &format!("{at}/elements"), 25, false);
                for (i, element) in elements.iter().enumerate() {
                    self.element(element, &format!("{at}/elements/{i}"));
                }
            }
            "input" => {
                self.text_object(&block["label"], &format!("{at}/label"), 2_000, true, true);
                self.text_object(&block["hint"], &format!("{at}/hint"), 2_000, true, false);
                if block["element"].is_null() {
                    self.error(&format!("{at}/element"), "missing required field");
                } else {
                    self.element(&block["element"], &format!("{at}/element"));
                }
            }
            "divider" => {}
            "image" => self.image(block, at),
            other => self.error(&format!("{at}/type"), &format!("unsupported type: {other}")),
        }
    }

    fn image(&mut self, image: &Value, at: &str) {
        self.string(
            &image["image_url"],
            &format!("{at}/image_url"),
            3_000,
            true,
            true,
        );
        self.string(
            &image["alt_text"],
            &format!("{at}/alt_text"),
            2_000,
            true,
            true,
        );
    }

    fn element(&mut self, element: &Value, at: &str) {
        self.string(
            &element["action_id"],
            &format!("{at}/action_id"),
            ID,
            false,
            true,
        );
        match element["type"].as_str().unwrap_or_default() {
            "button" => {
                self.text_object(&element["text"], &format!("{at}/text"), 75, true, true);
                self.string(
                    &element["value"],
                    &format!("{at}/value"),
                    2_000,
                    false,
                    false,
                );
                self.string(&element["url"], &format!("{at}/url"), 3_000, false, true);
                match element["style"].as_str() {
                    None | Some("primary" | "danger") => {}
                    Some(_) => {
                        self.error(&format!("{at}/style"), "must be one of: primary, danger")
                    }
                }
                if !element["confirm"].is_null() {
                    self.confirm(&element["confirm"], &format!("{at}/confirm"));
                }
            }
            "static_select" => {
                self.text_object(
                    &element["placeholder"],
                    &format!("{at}/placeholder"),
                    150,
                    true,
                    false,
                );
                let options = self.array(&element["options"], &format!("{at}/options"), 100, false);
                for (i, option) in options.iter().enumerate() {
                    self.option(option, &format!("{at}/options/{i}"));
                }
                let initial = &element["initial_option"];
                if !initial.is_null() {
                    self.option(initial, &format!("{at}/initial_option"));
                    let listed = options.iter().any(|o| {
                        o["value"] == initial["value"]
                            && o["text"]["text"] == initial["text"]["text"]
                    });
                    if !listed {
                        self.error(
                            &format!("{at}/initial_option"),
                            "must match one of the provided options",
                        );
                    }
                }
            }
            "plain_text_input" => {
                self.text_object(
                    &element["placeholder"],
                    &format!("{at}/placeholder"),
                    150,
                    true,
                    false,
                );
                let max_length = match &element["max_length"] {
                    Value::Null => 3_000,
                    value => match value.as_u64() {
                        Some(n @ 1..=3_000) => n as usize,
                        _ => {
                            self.error(&format!("{at}/max_length"), "must be between 1 and 3000");
                            3_000
                        }
                    },
                };
                if let Some(min) = element["min_length"].as_u64()
                    && min as usize > max_length
                {
                    self.error(&format!("{at}/min_length"), "must not exceed max_length");
                }
                self.string(
                    &element["initial_value"],
                    &format!("{at}/initial_value"),
                    max_length,
                    false,
                    false,
                );
            }
            "datetimepicker" => {
                if !(element["initial_date_time"].is_null()
                    || element["initial_date_time"].is_i64())
                {
                    self.error(
                        &format!("{at}/initial_date_time"),
                        "must provide an integer",
                    );
                }
            }
            "datepicker" | "timepicker" => {
                self.text_object(
                    &element["placeholder"],
                    &format!("{at}/placeholder"),
                    150,
                    true,
                    false,
                );
            }
            "image" => self.image(element, at),
            other => self.error(&format!("{at}/type"), &format!("unsupported type: {other}")),
        }
    }

    fn option(&mut self, option: &Value, at: &str) {
        self.text_object(&option["text"], &format!("{at}/text"), 75, true, true);
        self.string(&option["value"], &format!("{at}/value"), 150, true, true);
        self.text_object(
            &option["description"],
            &format!("{at}/description"),
            75,
            true,
            false,
        );
    }

    fn confirm(&mut self, confirm: &Value, at: &str) {
        self.text_object(&confirm["title"], &format!("{at}/title"), 100, true, true);
        self.text_object(&confirm["text"], &format!("{at}/text"), 300, false, true);
        self.text_object(
            &confirm["confirm"],
            &format!("{at}/confirm"),
            30,
            true,
            true,
        );
        self.text_object(&confirm["deny"], &format!("{at}/deny"), 30, true, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn section(text: &str) -> Value {
        json!({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    }

    #[test]
    fn section_text_is_limited_to_3000_characters_as_sent() {
        let ok = json!({"text": "x", "blocks": [section(&"é".repeat(3_000))]});
        assert!(check_message(&ok, true).is_ok());
        let escaped = "&amp;".repeat(601);
        let refused = check_message(
            &json!({"text": "x", "blocks": [section("a"), section(&escaped)]}),
            true,
        )
        .expect_err("3005 characters");
        assert_eq!(refused.error, "invalid_blocks");
        assert_eq!(
            refused.messages,
            vec!["[ERROR] must be less than 3001 characters [json-pointer:/blocks/1/text/text]"]
        );
    }

    #[test]
    fn counts_names_and_initial_values_are_checked() {
        let many: Vec<Value> = (0..51).map(|_| section("a")).collect();
        let refused = check_message(&json!({"text": "x", "blocks": many}), true).expect_err("51");
        assert_eq!(
            refused.messages,
            vec!["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]
        );

        let view = json!({"view": {"type": "modal", "title": {"type": "plain_text", "text": "A title longer than 24 chars"},
            "submit": {"type": "plain_text", "text": "Go"},
            "blocks": [{"type": "input", "block_id": "s", "label": {"type": "plain_text", "text": "S"},
                        "element": {"type": "plain_text_input", "action_id": "s", "max_length": 10,
                                    "initial_value": "eleven chars"}}]}});
        let refused = check_view(&view).expect_err("two problems");
        assert_eq!(refused.error, "invalid_arguments");
        assert_eq!(
            refused.messages,
            vec![
                "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
                "[ERROR] must be less than 11 characters [json-pointer:/view/blocks/0/element/initial_value]",
            ]
        );
        let button = json!({"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "b".repeat(76)}});
        let refused = check_message(
            &json!({"text": "x", "blocks": [{"type": "actions", "elements": [button]}]}),
            true,
        )
        .expect_err("long button");
        assert_eq!(
            refused.messages,
            vec![
                "[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"
            ]
        );
        assert_eq!(
            check_message(&json!({"text": "x".repeat(40_001)}), true)
                .expect_err("long")
                .error,
            "msg_too_long"
        );
        assert_eq!(
            check_message(&json!({"text": ""}), true)
                .expect_err("empty")
                .error,
            "no_text"
        );
    }
}
