//! OpsGenie's webhook body, parsed as `POST /integrations/opsgenie/hook/{secret}` parses it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use monostat::integrations::opsgenie;
use monostat::service::alerts::AlertEvent;

fuzz_target!(|body: &[u8]| {
    let Ok(delivery) = opsgenie::parse(body) else {
        return;
    };
    // What the parser promises the service: the fields it requires are there and not blank.
    assert!(!delivery.action.trim().is_empty());
    for event in &delivery.events {
        let id = match event {
            AlertEvent::Firing { external_id, .. }
            | AlertEvent::Resolved { external_id }
            | AlertEvent::DescriptionChanged { external_id, .. } => external_id,
        };
        assert!(!id.trim().is_empty(), "{event:?}");
    }
});
