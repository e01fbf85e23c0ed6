package dev.consentgate.demo;

import dev.consentgate.sample.ContactUpdated;
import dev.consentgate.sample.EmailEngagement;
import dev.consentgate.sample.LeadScoringFeatures;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentSignal;
import dev.consentgate.schema.ConsentEventType;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.SignalKind;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/**
 * Realistic, reproducible demo traffic for the bundled example policy: customers in several
 * jurisdictions with initial consents (some expiring, some customers with none), then CRM events
 * with consent changes happening while they flow — withdrawals, objections, new grants, erasures,
 * and some consent updates that arrive late. Privacy signals (TCF, GPP, GPC) arrive on the signals topic and, relayed
 * by the web front end, in headers of contact updates. A few unreadable records test the dead-letter topic.
 * Business time starts at a fixed instant, so the same seed gives the same traffic (see {@link ReplayShowcase} for why the
 * decisions can still differ by a few between runs).
 */
public final class DemoTraffic {

    public static final String CONSENT_TOPIC = "consent.events";
    public static final String SIGNALS_TOPIC = "consent.signals";
    public static final List<String> INPUT_TOPICS = List.of("crm.contacts", "crm.email-engagement", "crm.lead-scores");

    static final Instant START = Instant.parse("2026-11-01T08:00:00Z");
    private static final long EVENT_SPACING_MS = 250;
    private static final List<String> JURISDICTIONS = List.of("EU", "EU", "US-CA", "BR");
    private static final List<String> CONSENT_PURPOSES = List.of(
            "marketing.communications.email", "marketing", "analytics.reporting", "train_ai_system", "marketing.advertising",
            "sales.prospecting");
    /**
     * The purposes each input's producers declare: mostly those the example policy allows that input, plus one it does
     * not (it drops as PURPOSE_NOT_ALLOWED_FOR_INPUT).
     */
    private static final Map<String, List<String>> EVENT_PURPOSES = Map.of(
            "crm.contacts", List.of("marketing.communications.email", "analytics.reporting", "personalize.profiling",
                    "sales.prospecting", "essential.service", "train_ai_system"),
            "crm.email-engagement", List.of("marketing.communications.email", "analytics.reporting", "personalize.profiling",
                    "train_ai_system"),
            "crm.lead-scores", List.of("analytics.reporting", "personalize.profiling", "train_ai_system",
                    "marketing.advertising", "sales.prospecting", "essential.service"));
    /**
     * Signals a California customer's browser and CMP send: GPC, and GPP strings (encoded with the IAB's library) whose
     * usca or usnat section opts out of sale and sharing.
     */
    private static final List<Signal> US_CA_SIGNALS = List.of(
            new Signal(SignalKind.GPC, "sec-gpc", "1"),
            new Signal(SignalKind.GPP, "x-gpp-string", "DBABBg~BAUAAABA.QA"),
            new Signal(SignalKind.GPP, "x-gpp-string", "DBABLA~BAAVAAAAAABA.QA"));
    /**
     * Signals of a customer elsewhere: a TC string (encoded with the IAB's library) consenting to TCF purposes 1, 3, 4, 7
     * and 10 for the example policy's vendor 755, and the IAB's example TC string that consents to nothing.
     */
    private static final List<Signal> TCF_SIGNALS = List.of(
            new Signal(SignalKind.TCF, "x-tc-string", "CQu0n1lQu0n1lEsAAAENAACAALJAAAAAAAAAF5wAQF5gAAAA.QAAA.IAAA"),
            new Signal(SignalKind.TCF, "x-tc-string", "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"));
    private static final List<String> FIRST_NAMES = List.of("Ana", "Ben", "Chloé", "Dmitri", "Eun-ji", "Fatima", "Gabriel", "Hana");
    private static final List<String> LAST_NAMES = List.of("Silva", "Okafor", "Müller", "Tanaka", "Novak", "Haddad", "Kowalski");

    /**
     * One record to produce. {@code value} is a record to serialize, or raw bytes for a deliberately unreadable one;
     * {@code headers} are its record headers.
     */
    public record Message(String topic, String key, SpecificRecord value, byte[] rawValue, Map<String, String> headers) {

        Message(String topic, String key, SpecificRecord value, byte[] rawValue) {
            this(topic, key, value, rawValue, Map.of());
        }
    }

    /** A signal as the demo sends it: its kind, the contact-update header the example policy reads it from, and its value. */
    private record Signal(SignalKind kind, String header, String value) {
    }

    private final Random random;
    private final int customers;
    private long eventIndex;

    public DemoTraffic(long seed, int customers) {
        this.random = new Random(seed);
        this.customers = customers;
    }

    /** The consent history every customer starts with, captured in the hour before the first event. */
    public List<Message> initialConsents() {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < customers; i++) {
            String customer = customerId(i);
            String jurisdiction = jurisdiction(i);
            // About one customer in ten has never given any consent.
            if (random.nextInt(10) == 0) {
                continue;
            }
            for (String purpose : CONSENT_PURPOSES) {
                if (random.nextInt(3) == 0) {
                    continue;
                }
                long capturedAt = START.toEpochMilli() - 3_600_000 + random.nextInt(3_600_000);
                boolean granted = random.nextInt(5) != 0;
                Long expiresAt = granted && random.nextInt(8) == 0 ? START.toEpochMilli() + random.nextInt(1_800_000) : null;
                messages.add(consent(customer, purpose, granted ? ConsentStatus.GRANTED : ConsentStatus.DENIED, capturedAt, expiresAt, jurisdiction));
            }
        }
        return messages;
    }

    /** The next CRM event, sometimes preceded by a consent change happening at about the same time. */
    public List<Message> next() {
        long eventTime = START.toEpochMilli() + eventIndex * EVENT_SPACING_MS;
        String eventId = "evt-" + eventIndex++;
        int customerNumber = random.nextInt(customers + customers / 20);
        String customer = customerId(customerNumber);
        List<Message> messages = new ArrayList<>(2);
        if (random.nextInt(20) == 0) {
            messages.add(consentChange(eventTime));
        }
        if (random.nextInt(25) == 0) {
            messages.add(signalOnTopic(eventTime));
        }
        if (random.nextInt(500) == 0) {
            messages.add(new Message(INPUT_TOPICS.get(random.nextInt(INPUT_TOPICS.size())), customer, null,
                    new byte[] {'n', 'o', 't', ' ', 'a', 'v', 'r', 'o'}));
            return messages;
        }
        String topic = INPUT_TOPICS.get(random.nextInt(INPUT_TOPICS.size()));
        List<String> purposes = purposes(EVENT_PURPOSES.get(topic));
        messages.add(switch (topic) {
            case "crm.contacts" -> new Message(topic, customer, contact(eventId, customer, eventTime, purposes), null,
                    random.nextInt(6) == 0 ? signalHeader(customerNumber) : Map.of());
            case "crm.email-engagement" -> new Message(topic, "campaign-" + random.nextInt(40), engagement(eventId, customer, eventTime, purposes), null);
            default -> new Message(topic, customer, leadScore(eventId, customer, eventTime, purposes), null);
        });
        return messages;
    }

    private Message consentChange(long eventTime) {
        int number = random.nextInt(customers);
        String customer = customerId(number);
        String jurisdiction = jurisdiction(number);
        // One change in five is late: captured up to a minute before events already sent.
        long capturedAt = random.nextInt(5) == 0 ? eventTime - random.nextInt(60_000) : eventTime;
        return switch (random.nextInt(10)) {
            case 0 -> erasure(customer, capturedAt);
            case 1, 2 -> consent(customer, "personalize", ConsentStatus.DENIED, capturedAt, null, jurisdiction);
            case 3, 4, 5 -> consent(customer, pick(CONSENT_PURPOSES), ConsentStatus.WITHDRAWN, capturedAt, null, jurisdiction);
            default -> consent(customer, pick(CONSENT_PURPOSES), ConsentStatus.GRANTED, capturedAt, null, jurisdiction);
        };
    }

    /** A signal sent on the signals topic, captured when the next event happens. */
    private Message signalOnTopic(long eventTime) {
        int number = random.nextInt(customers);
        String customer = customerId(number);
        String jurisdiction = jurisdiction(number);
        Signal signal = signalFor(jurisdiction);
        ConsentSignal record = ConsentSignal.newBuilder()
                .setSignalId("sig-" + Long.toHexString(random.nextLong()))
                .setCustomerId(customer)
                .setKind(signal.kind())
                .setValue(signal.value())
                .setCapturedAt(Instant.ofEpochMilli(eventTime))
                .setJurisdiction(jurisdiction)
                .setSource("web-cmp")
                .build();
        return new Message(SIGNALS_TOPIC, customer, record, null);
    }

    /** The header of a signal the front end relays with a contact update of this customer. */
    private Map<String, String> signalHeader(int customerNumber) {
        Signal signal = signalFor(jurisdiction(customerNumber));
        return Map.of(signal.header(), signal.value());
    }

    private Signal signalFor(String jurisdiction) {
        return pick(jurisdiction.equals("US-CA") ? US_CA_SIGNALS : TCF_SIGNALS);
    }

    private static String jurisdiction(int customerNumber) {
        return JURISDICTIONS.get(customerNumber % JURISDICTIONS.size());
    }

    private List<String> purposes(List<String> declarable) {
        int roll = random.nextInt(100);
        if (roll == 0) {
            return List.of();
        }
        if (roll == 1) {
            return List.of("sales.upsell");
        }
        List<String> chosen = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        while (chosen.size() < count) {
            String purpose = pick(declarable);
            if (!chosen.contains(purpose)) {
                chosen.add(purpose);
            }
        }
        return chosen;
    }

    private Message consent(String customer, String purpose, ConsentStatus status, long capturedAt, Long expiresAt, String jurisdiction) {
        ConsentEvent event = ConsentEvent.newBuilder()
                .setConsentId("cmp-" + Long.toHexString(random.nextLong()))
                .setCustomerId(customer)
                .setPurpose(purpose)
                .setStatus(status)
                .setCapturedAt(Instant.ofEpochMilli(capturedAt))
                .setExpiresAt(expiresAt == null ? null : Instant.ofEpochMilli(expiresAt))
                .setJurisdiction(jurisdiction)
                .setSource(random.nextBoolean() ? "web-banner" : "preference-center")
                .setNoticeVersion("privacy-notice-2026-10")
                .build();
        return new Message(CONSENT_TOPIC, customer, event, null);
    }

    static Message erasure(String customer, long capturedAt) {
        ConsentEvent event = ConsentEvent.newBuilder()
                .setType(ConsentEventType.ERASURE)
                .setCustomerId(customer)
                .setStatus(ConsentStatus.DENIED)
                .setCapturedAt(Instant.ofEpochMilli(capturedAt))
                .setSource("dsar-portal")
                .build();
        return new Message(CONSENT_TOPIC, customer, event, null);
    }

    private ContactUpdated contact(String eventId, String customer, long eventTime, List<String> purposes) {
        String first = pick(FIRST_NAMES);
        String last = pick(LAST_NAMES);
        return ContactUpdated.newBuilder()
                .setEventId(eventId).setCustomerId(customer).setOccurredAt(Instant.ofEpochMilli(eventTime)).setPurposes(purposes)
                .setEmail(email(first, last)).setFirstName(first).setLastName(last)
                .setPhone("+1 555 01" + (10 + random.nextInt(90)))
                .setPostalCode(Integer.toString(10000 + random.nextInt(89999)))
                .setCountry(random.nextBoolean() ? "DE" : "US")
                .setBirthDate(LocalDate.of(1950 + random.nextInt(55), 1 + random.nextInt(12), 1 + random.nextInt(28)))
                .setGender(random.nextBoolean() ? "female" : "male")
                .setLifecycleStage(random.nextBoolean() ? "lead" : "customer")
                .build();
    }

    private EmailEngagement engagement(String eventId, String customer, long eventTime, List<String> purposes) {
        return EmailEngagement.newBuilder()
                .setEventId(eventId).setCustomerId(customer).setOccurredAt(Instant.ofEpochMilli(eventTime)).setPurposes(purposes)
                .setCampaignId("campaign-" + random.nextInt(40))
                .setAction(random.nextBoolean() ? "opened" : "clicked")
                .setEmail(email(pick(FIRST_NAMES), pick(LAST_NAMES)))
                .setIpAddress("198.51.100." + random.nextInt(255))
                .setUserAgent("Mozilla/5.0")
                .build();
    }

    private LeadScoringFeatures leadScore(String eventId, String customer, long eventTime, List<String> purposes) {
        return LeadScoringFeatures.newBuilder()
                .setEventId(eventId).setCustomerId(customer).setOccurredAt(Instant.ofEpochMilli(eventTime)).setPurposes(purposes)
                .setEmail(email(pick(FIRST_NAMES), pick(LAST_NAMES)))
                .setPostalCode(Integer.toString(10000 + random.nextInt(89999)))
                .setAgeBand(pick(List.of("18-24", "25-34", "35-44", "45-54", "55+")))
                .setGender(random.nextBoolean() ? "female" : "male")
                .setPageViews30d(random.nextInt(200))
                .setEmailOpens30d(random.nextInt(30))
                .setLeadScore(Math.round(random.nextDouble() * 100) / 100.0)
                .build();
    }

    private String email(String first, String last) {
        return (first + "." + last).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z.]", "") + random.nextInt(1000) + "@example.com";
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    static String customerId(int number) {
        return String.format("cust-%05d", number);
    }
}
