package dev.consentgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.SignalKind;
import dev.consentgate.signal.SignalFixtures;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.enforce.EnforcementDriver;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DecisionExplainerTest {

    @Test
    void explainsEachPurposeDecisionWithItsConsentBasisRuleAndFields() {
        DecisionRecord record;
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            driver.consent("cust-7", "marketing", ConsentStatus.GRANTED, 1_000, 90_000L, "EU");
            driver.send(EnforcementDriver.contact("e-42", "cust-7", 2_000,
                    "marketing.communications.email", "analytics.reporting", "train_ai_system"));
            record = driver.audits().get(0);
        }
        record.setProcessedAt(Instant.parse("2026-11-22T10:00:00Z"));

        String text = DecisionExplainer.explain(record, "consent.audit", 0, 17);

        // The policy hash changes with every edit of the example policy; everything else is pinned.
        assertThat(text).isEqualToNormalizingNewlines("""
                Event e-42 (crm.contacts, partition 0, offset 0)
                  event time 1970-01-01T00:00:02Z; decision time 1970-01-01T00:00:02Z (consent judged at both); \
                processed 2026-11-22T10:00:00Z under policy 2026-12-06.1 (sha256 %s), mode enforce
                  customer HMAC 5b49acfdf558c2b4ae9d2d36a20ba82ddda5c1fd60d56cb3191f3f3ef2414a4c; jurisdiction EU
                  audit record: consent.audit partition 0 offset 17, chain sequence 0

                  marketing.communications.email: PERMIT
                    why: CONSENT_GRANTED: A GRANTED consent record for the purpose held at the event's time and at the decision's time. \
                CONSENT_INHERITED: The consent record used was captured for an ancestor of the declared purpose.
                    legal basis: consent; policy rule: marketing.communications.email
                    consent used: GRANTED for marketing, captured 1970-01-01T00:00:01Z via web-banner, expiring 1970-01-01T00:01:30Z, \
                notice notice-7, jurisdiction EU, consent id consent-cust-7-1000
                    fields: birthDate (user.demographic.date_of_birth) removed; country (user.contact.address.country) removed; \
                gender (user.demographic.gender) removed; lifecycleStage (user.behavior) removed; \
                phone (user.contact.phone_number) removed; postalCode (user.contact.address.postal_code) removed
                    sent to: crm.purpose.marketing.communications.email

                  analytics.reporting: REDACT
                    why: NO_CONSENT: The customer has consent records, but none for this purpose or its ancestors at the event's time \
                (or at the decision's time).
                    legal basis: consent; policy rule: analytics.reporting
                    consent used: none
                    fields: birthDate (user.demographic.date_of_birth) generalized; country (user.contact.address.country) replaced by its keyed hash; \
                customerId (user.unique_id) replaced by its keyed hash; email (user.contact.email) replaced by its keyed hash; \
                firstName (user.name) removed; gender (user.demographic.gender) removed; lastName (user.name) removed; \
                lifecycleStage (user.behavior) removed; phone (user.contact.phone_number) replaced by its keyed hash; postalCode (user.contact.address.postal_code) generalized
                    sent to: crm.purpose.analytics.reporting

                  train_ai_system: DROP
                    why: PURPOSE_NOT_ALLOWED_FOR_INPUT: The event's input topic may not declare this purpose: its mapping's \
                allowed_purposes do not cover it.
                    legal basis: consent; policy rule: train_ai_system
                    consent used: none
                    fields: none removed or changed
                    sent to: no purpose topic (not forwarded)
                """.formatted(record.getPolicyHash()));
    }

    @Test
    void namesTheSignalAConsentRecordWasDecodedFrom() {
        DecisionRecord record;
        try (EnforcementDriver driver = new EnforcementDriver(SignalFixtures.examplePolicyWithSignals())) {
            driver.consent("cust-ca", "sales.prospecting", ConsentStatus.GRANTED, 1_000, null, "US-CA");
            driver.signal("cust-ca", SignalKind.GPC, "1", 1_500, "US-CA");
            driver.send(EnforcementDriver.contact("e-ca", "cust-ca", 2_000, "marketing.advertising"));
            record = driver.audits().get(0);
        }

        assertThat(DecisionExplainer.explain(record, "consent.audit", 0, 0)).contains("""
                    consent used: DENIED for marketing.advertising, captured 1970-01-01T00:00:01.500Z via web-cmp, \
                consent id signal-cust-ca-1500, from a gpc signal: GPC: opted out (in US-CA)
                """);
    }
}
