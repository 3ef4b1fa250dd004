//! Alertmanager's (and Grafana's) webhook body, parsed as
//! `POST /integrations/alertmanager/hook/{secret}` parses it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use monostat::integrations::alertmanager;
use monostat::service::alerts::AlertEvent;

fuzz_target!(|body: &[u8]| {
    let Ok(events) = alertmanager::parse(body) else {
        return;
    };
    for event in &events {
        let id = match event {
            AlertEvent::Firing { external_id, .. }
            | AlertEvent::Resolved { external_id }
            | AlertEvent::DescriptionChanged { external_id, .. } => external_id,
        };
        assert!(!id.trim().is_empty(), "{event:?}");
    }
});
