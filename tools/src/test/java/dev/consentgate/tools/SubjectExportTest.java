package dev.consentgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.enforce.EnforcementDriver;
import dev.consentgate.policy.HmacKey;
import dev.consentgate.policy.KeyRing;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.ErasureNotice;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The export of one customer's history, from the consent records and audit records of a real enforcement run of the
 * example policy with two customers, and a consent record keyed by one customer that names the other.
 */
class SubjectExportTest {

    private static final String CUSTOMER = "cust-7";
    private static final String OTHER = "cust-8";
    /** HMAC-SHA256 of cust-7 under EnforcementDriver.HMAC_KEY. */
    private static final String CUSTOMER_HMAC = "5b49acfdf558c2b4ae9d2d36a20ba82ddda5c1fd60d56cb3191f3f3ef2414a4c";

    /** One record as read from the consent topic: its key and value. */
    private record Sent(String key, ConsentEvent event) {
    }

    private final List<Sent> consentTopic = new ArrayList<>();
    private List<DecisionRecord> auditTopic;
    private List<ErasureNotice> erasureTopic;
    private SubjectHistory history;

    @BeforeEach
    void givenARunWithTwoCustomers() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            consent(driver, EnforcementDriver.consentEvent(CUSTOMER, "marketing", ConsentStatus.GRANTED, 1_000, 90_000L, "EU"));
            consent(driver, EnforcementDriver.consentEvent(OTHER, "marketing", ConsentStatus.GRANTED, 1_000, null, "EU"));
            // Keyed by the customer but about someone else: the service refuses it, and it is not the customer's data.
            ConsentEvent forged = EnforcementDriver.consentEvent(OTHER, "analytics", ConsentStatus.DENIED, 1_500, null, "US-CA");
            driver.sendRawWithHeaders("consent.events", CUSTOMER, driver.encode("consent.events", forged), 1_500);
            consentTopic.add(new Sent(CUSTOMER, forged));
            driver.send(EnforcementDriver.contact("e-1", CUSTOMER, 2_000, "marketing.communications.email", "essential.service"));
            driver.send(EnforcementDriver.contact("e-other", OTHER, 2_500, "marketing.communications.email"));
            consent(driver, EnforcementDriver.consentEvent(CUSTOMER, "marketing", ConsentStatus.WITHDRAWN, 3_000, null, "EU"));
            driver.send(EnforcementDriver.contact("e-2", CUSTOMER, 4_000, "marketing.communications.email"));
            consent(driver, EnforcementDriver.erasureEvent(CUSTOMER, 5_000));
            auditTopic = driver.audits();
            erasureTopic = driver.records("privacy.erasure").stream()
                    .map(r -> (ErasureNotice) driver.decodeSpecific("privacy.erasure", r.value()))
                    .toList();
        }
        history = new SubjectHistory(CUSTOMER, new KeyRing(new HmacKey("key-2026",
                new KeyedHash(EnforcementDriver.HMAC_KEY.getBytes(StandardCharsets.UTF_8))), List.of()));
        // Offered in reverse, as a reader of two topics may meet them: the export sorts by time, then position.
        for (int offset = consentTopic.size() - 1; offset >= 0; offset--) {
            Sent sent = consentTopic.get(offset);
            history.consentRecord(new SubjectHistory.Position("consent.events", 0, offset), sent.key().getBytes(StandardCharsets.UTF_8),
                    sent::event, null);
        }
        for (int offset = 0; offset < auditTopic.size(); offset++) {
            DecisionRecord record = auditTopic.get(offset);
            record.setProcessedAt(Instant.parse("2026-11-22T10:00:00Z"));
            history.auditRecord(new SubjectHistory.Position("consent.audit", 0, offset), record);
        }
        history.source(new SubjectHistory.Source(new SubjectHistory.Position("consent.events", 0, 0), 5, 5));
        for (int offset = 0; offset < erasureTopic.size(); offset++) {
            ErasureNotice notice = erasureTopic.get(offset);
            history.erasureNotice(new SubjectHistory.Position("privacy.erasure", 0, offset), notice.getCustomerId().getBytes(StandardCharsets.UTF_8),
                    () -> notice);
        }
        history.source(new SubjectHistory.Source(new SubjectHistory.Position("consent.audit", 0, 0), 3, 3));
    }

    private void consent(EnforcementDriver driver, ConsentEvent event) {
        driver.consent(event);
        consentTopic.add(new Sent(event.getCustomerId(), event));
    }

    @Test
    void theJsonDocumentHoldsTheCustomersConsentHistoryAndDecisionsAndNothingOfAnyoneElse() {
        String json = SubjectExportJson.write(history);

        assertThat(json).isEqualToNormalizingNewlines("""
                {
                  "format" : "consentgate-subject-export",
                  "formatVersion" : 1,
                  "customerId" : "cust-7",
                  "customerIdHmac" : "5b49acfdf558c2b4ae9d2d36a20ba82ddda5c1fd60d56cb3191f3f3ef2414a4c",
                  "pseudonymKeyId" : "key-2026",
                  "read" : [ {
                    "topic" : "consent.events",
                    "partition" : 0,
                    "fromOffset" : 0,
                    "toOffset" : 5,
                    "recordsRead" : 5
                  }, {
                    "topic" : "consent.audit",
                    "partition" : 0,
                    "fromOffset" : 0,
                    "toOffset" : 3,
                    "recordsRead" : 3
                  } ],
                  "consentHistory" : [ {
                    "capturedAt" : "1970-01-01T00:00:01Z",
                    "status" : "GRANTED",
                    "purpose" : "marketing",
                    "expiresAt" : "1970-01-01T00:01:30Z",
                    "jurisdiction" : "EU",
                    "source" : "web-banner",
                    "noticeVersion" : "notice-7",
                    "consentId" : "consent-cust-7-1000",
                    "signal" : null,
                    "recordedIn" : {
                      "topic" : "consent.events",
                      "partition" : 0,
                      "offset" : 0
                    },
                    "reroutedFrom" : null
                  }, {
                    "capturedAt" : "1970-01-01T00:00:03Z",
                    "status" : "WITHDRAWN",
                    "purpose" : "marketing",
                    "expiresAt" : null,
                    "jurisdiction" : "EU",
                    "source" : "web-banner",
                    "noticeVersion" : "notice-7",
                    "consentId" : "consent-cust-7-3000",
                    "signal" : null,
                    "recordedIn" : {
                      "topic" : "consent.events",
                      "partition" : 0,
                      "offset" : 3
                    },
                    "reroutedFrom" : null
                  }, {
                    "capturedAt" : "1970-01-01T00:00:05Z",
                    "status" : "ERASED",
                    "purpose" : null,
                    "expiresAt" : null,
                    "jurisdiction" : null,
                    "source" : "dsar-portal",
                    "noticeVersion" : null,
                    "consentId" : null,
                    "signal" : null,
                    "recordedIn" : {
                      "topic" : "consent.events",
                      "partition" : 0,
                      "offset" : 4
                    },
                    "reroutedFrom" : null
                  } ],
                  "unreadableConsentRecords" : [ ],
                  "decisions" : [ {
                    "eventId" : "e-1",
                    "eventTime" : "1970-01-01T00:00:02Z",
                    "decidedAt" : "1970-01-01T00:00:02Z",
                    "processedAt" : "2026-11-22T10:00:00Z",
                    "input" : {
                      "topic" : "crm.contacts",
                      "partition" : 0,
                      "offset" : 0
                    },
                    "jurisdiction" : "EU",
                    "enforcementMode" : "enforce",
                    "eventReasons" : [ ],
                    "policyVersion" : "2026-12-06.1",
                    "policyHash" : "%1$s",
                    "purposes" : [ {
                      "purpose" : "marketing.communications.email",
                      "decision" : "PERMIT",
                      "reasons" : [ "CONSENT_GRANTED", "CONSENT_INHERITED" ],
                      "legalBasis" : "consent",
                      "policyRule" : "marketing.communications.email",
                      "consentUsed" : {
                        "capturedAt" : "1970-01-01T00:00:01Z",
                        "status" : "GRANTED",
                        "purpose" : "marketing",
                        "expiresAt" : "1970-01-01T00:01:30Z",
                        "jurisdiction" : "EU",
                        "source" : "web-banner",
                        "noticeVersion" : "notice-7",
                        "consentId" : "consent-cust-7-1000",
                        "signal" : null
                      },
                      "fieldsRemovedOrChanged" : [ {
                        "field" : "birthDate",
                        "category" : "user.demographic.date_of_birth",
                        "action" : "remove"
                      }, {
                        "field" : "country",
                        "category" : "user.contact.address.country",
                        "action" : "remove"
                      }, {
                        "field" : "gender",
                        "category" : "user.demographic.gender",
                        "action" : "remove"
                      }, {
                        "field" : "lifecycleStage",
                        "category" : "user.behavior",
                        "action" : "remove"
                      }, {
                        "field" : "phone",
                        "category" : "user.contact.phone_number",
                        "action" : "remove"
                      }, {
                        "field" : "postalCode",
                        "category" : "user.contact.address.postal_code",
                        "action" : "remove"
                      } ],
                      "outputTopic" : "crm.purpose.marketing.communications.email"
                    }, {
                      "purpose" : "essential.service",
                      "decision" : "PERMIT",
                      "reasons" : [ "CONTRACT" ],
                      "legalBasis" : "contract",
                      "policyRule" : "essential.service",
                      "consentUsed" : null,
                      "fieldsRemovedOrChanged" : [ ],
                      "outputTopic" : "crm.purpose.essential.service"
                    } ],
                    "auditRecord" : {
                      "topic" : "consent.audit",
                      "partition" : 0,
                      "offset" : 0,
                      "chainSequence" : 0
                    }
                  }, {
                    "eventId" : "e-2",
                    "eventTime" : "1970-01-01T00:00:04Z",
                    "decidedAt" : "1970-01-01T00:00:04Z",
                    "processedAt" : "2026-11-22T10:00:00Z",
                    "input" : {
                      "topic" : "crm.contacts",
                      "partition" : 0,
                      "offset" : 2
                    },
                    "jurisdiction" : "EU",
                    "enforcementMode" : "enforce",
                    "eventReasons" : [ ],
                    "policyVersion" : "2026-12-06.1",
                    "policyHash" : "%1$s",
                    "purposes" : [ {
                      "purpose" : "marketing.communications.email",
                      "decision" : "DROP",
                      "reasons" : [ "CONSENT_WITHDRAWN", "CONSENT_INHERITED" ],
                      "legalBasis" : "consent",
                      "policyRule" : "marketing.communications.email",
                      "consentUsed" : {
                        "capturedAt" : "1970-01-01T00:00:03Z",
                        "status" : "WITHDRAWN",
                        "purpose" : "marketing",
                        "expiresAt" : null,
                        "jurisdiction" : "EU",
                        "source" : "web-banner",
                        "noticeVersion" : "notice-7",
                        "consentId" : "consent-cust-7-3000",
                        "signal" : null
                      },
                      "fieldsRemovedOrChanged" : [ ],
                      "outputTopic" : null
                    } ],
                    "auditRecord" : {
                      "topic" : "consent.audit",
                      "partition" : 0,
                      "offset" : 2,
                      "chainSequence" : 2
                    }
                  } ],
                  "erasureNotices" : [ {
                    "requestedAt" : "1970-01-01T00:00:05Z",
                    "source" : "dsar-portal",
                    "consentId" : null,
                    "request" : {
                      "topic" : "consent.events",
                      "partition" : 0,
                      "offset" : 4
                    },
                    "policyVersion" : "2026-12-06.1",
                    "deliveries" : [ {
                      "topic" : "crm.purpose.essential.service",
                      "recordKey" : "cust-7",
                      "records" : 1,
                      "firstDeliveredAt" : "1970-01-01T00:00:02Z",
                      "lastDeliveredAt" : "1970-01-01T00:00:02Z",
                      "firstEventId" : "e-1",
                      "lastEventId" : "e-1"
                    }, {
                      "topic" : "crm.purpose.marketing.communications.email",
                      "recordKey" : "cust-7",
                      "records" : 1,
                      "firstDeliveredAt" : "1970-01-01T00:00:02Z",
                      "lastDeliveredAt" : "1970-01-01T00:00:02Z",
                      "firstEventId" : "e-1",
                      "lastEventId" : "e-1"
                    } ],
                    "recordedIn" : {
                      "topic" : "privacy.erasure",
                      "partition" : 0,
                      "offset" : 0
                    }
                  } ]
                }
                """.formatted(auditTopic.get(0).getPolicyHash()));
    }

    @Test
    void theTextExplainsTheSameForAPerson() {
        String text = SubjectExportText.write(history);

        assertThat(text).isEqualToNormalizingNewlines("""
                What ConsentGate holds about customer cust-7
                  in the audit topic as HMAC 5b49acfdf558c2b4ae9d2d36a20ba82ddda5c1fd60d56cb3191f3f3ef2414a4c (pseudonym key key-2026)
                  read consent.events partition 0, offsets 0 to 5: 5 records
                  read consent.audit partition 0, offsets 0 to 3: 3 records

                3 consent statements, oldest first
                  GRANTED for marketing, captured 1970-01-01T00:00:01Z via web-banner, expiring 1970-01-01T00:01:30Z, notice notice-7, jurisdiction EU, consent id consent-cust-7-1000
                    recorded in consent.events partition 0 offset 0
                  WITHDRAWN for marketing, captured 1970-01-01T00:00:03Z via web-banner, notice notice-7, jurisdiction EU, consent id consent-cust-7-3000
                    recorded in consent.events partition 0 offset 3
                  ERASED (erasure request), captured 1970-01-01T00:00:05Z via dsar-portal
                    recorded in consent.events partition 0 offset 4

                1 erasure notice sent to the systems that must delete, oldest first
                  erasure requested 1970-01-01T00:00:05Z via dsar-portal, recorded in privacy.erasure partition 0 offset 0
                    crm.purpose.essential.service had received 1 record keyed cust-7, 1970-01-01T00:00:02Z to 1970-01-01T00:00:02Z
                    crm.purpose.marketing.communications.email had received 1 record keyed cust-7, 1970-01-01T00:00:02Z to 1970-01-01T00:00:02Z

                2 events decided, oldest first

                Event e-1 (crm.contacts, partition 0, offset 0)
                  event time 1970-01-01T00:00:02Z; decision time 1970-01-01T00:00:02Z (consent judged at both); processed 2026-11-22T10:00:00Z under policy 2026-12-06.1 (sha256 %1$s), mode enforce
                  customer HMAC 5b49acfdf558c2b4ae9d2d36a20ba82ddda5c1fd60d56cb3191f3f3ef2414a4c; jurisdiction EU
                  audit record: consent.audit partition 0 offset 0, chain sequence 0

                  marketing.communications.email: PERMIT
                    why: CONSENT_GRANTED: A GRANTED consent record for the purpose held at the event's time and at the decision's time. CONSENT_INHERITED: The consent record used was captured for an ancestor of the declared purpose.
                    legal basis: consent; policy rule: marketing.communications.email
                    consent used: GRANTED for marketing, captured 1970-01-01T00:00:01Z via web-banner, expiring 1970-01-01T00:01:30Z, notice notice-7, jurisdiction EU, consent id consent-cust-7-1000
                    fields: birthDate (user.demographic.date_of_birth) removed; country (user.contact.address.country) removed; gender (user.demographic.gender) removed; lifecycleStage (user.behavior) removed; phone (user.contact.phone_number) removed; postalCode (user.contact.address.postal_code) removed
                    sent to: crm.purpose.marketing.communications.email

                  essential.service: PERMIT
                    why: CONTRACT: Basis contract: permitted without consent, as no erasure request stands (none was made, or a grant came after it).
                    legal basis: contract; policy rule: essential.service
                    consent used: none
                    fields: none removed or changed
                    sent to: crm.purpose.essential.service

                Event e-2 (crm.contacts, partition 0, offset 2)
                  event time 1970-01-01T00:00:04Z; decision time 1970-01-01T00:00:04Z (consent judged at both); processed 2026-11-22T10:00:00Z under policy 2026-12-06.1 (sha256 %1$s), mode enforce
                  customer HMAC 5b49acfdf558c2b4ae9d2d36a20ba82ddda5c1fd60d56cb3191f3f3ef2414a4c; jurisdiction EU
                  audit record: consent.audit partition 0 offset 2, chain sequence 2

                  marketing.communications.email: DROP
                    why: CONSENT_WITHDRAWN: The record in force at the event's time or at the decision's time is WITHDRAWN: the record is dropped. CONSENT_INHERITED: The consent record used was captured for an ancestor of the declared purpose.
                    legal basis: consent; policy rule: marketing.communications.email
                    consent used: WITHDRAWN for marketing, captured 1970-01-01T00:00:03Z via web-banner, notice notice-7, jurisdiction EU, consent id consent-cust-7-3000
                    fields: none removed or changed
                    sent to: no purpose topic (not forwarded)
                """.formatted(auditTopic.get(0).getPolicyHash()));
    }
}
