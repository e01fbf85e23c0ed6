package dev.consentgate.config;

import dev.consentgate.policy.KeyedHash;
import dev.consentgate.serde.ConfluentAvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * ConsentGate's own settings, declared once and validated when the application starts. Everything
 * else in the properties file is passed to Kafka Streams and the serde as it is.
 */
public final class ConsentGateConfig extends AbstractConfig {

    public static final String CONSENT_TOPIC = "consentgate.consent.topic";
    public static final String REROUTED_CONSENT_TOPIC = "consentgate.consent.rerouted.topic";
    public static final String AUDIT_TOPIC = "consentgate.audit.topic";
    public static final String DLQ_TOPIC = "consentgate.dlq.topic";
    public static final String HISTORY_RETENTION_MS = "consentgate.consent.history.retention.ms";
    public static final String GRACE_MS = "consentgate.grace.ms";
    public static final String CACHED_CUSTOMERS = "consentgate.consent.cache.customers";
    public static final String HMAC_KEY = "consentgate.hmac.key";
    public static final String VALUE_SERDE = "consentgate.value.serde";

    /** Every key, its type, default, validator and documentation: the key table of docs/configuration.md is made from it. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(HMAC_KEY, Type.PASSWORD, ConfigDef.NO_DEFAULT_VALUE, new MinimumKeyLength(), Importance.HIGH,
                    "Secret key of the HMAC-SHA256 used by the `hash` "
                            + "redaction action, for the customer id in audit records, and for the key of purpose records that may "
                            + "not see the customer id ([policy-reference.md](policy-reference.md#keys-and-headers)). Keep it stable: "
                            + "changing it changes every hash, and auditors need it to find one customer's decisions. Never logged.")
            .define(CONSENT_TOPIC, Type.STRING, "consent.events", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Consent events (Avro `ConsentEvent`, key = customer id, as UTF-8). Must have as many partitions as every "
                            + "input topic that is keyed by customer id, and as the repartition topics (which Kafka Streams sizes "
                            + "like their source).")
            .define(AUDIT_TOPIC, Type.STRING, "consent.audit", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "One `DecisionRecord` per input event. Must have as many partitions as the consent topic: enforcing task "
                            + "*i* writes the hash chain of audit partition *i* ([audit.md](audit.md#the-hash-chain)); `run` refuses "
                            + "to start otherwise (exit 4).")
            .define(DLQ_TOPIC, Type.STRING, "consent.dlq", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Records that cannot be decided, with the reason in headers ([dead-letter reasons](#dead-letter-reasons)).")
            .define(REROUTED_CONSENT_TOPIC, Type.STRING, "consent.events.rerouted", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Consent events that arrived on another partition than their customer id's, copied to it (see "
                            + "[Partitioners](#partitioners)). Read beside the consent topic; same partitions, kept forever. "
                            + "`topics create` creates it; `run` refuses to start without it (exit 4).")
            .define(HISTORY_RETENTION_MS, Type.LONG, Duration.ofDays(30).toMillis(), ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "How far back (30 days by default) the consent store answers \"consent as of time t\", measured back from "
                            + "the newest consent time seen on the partition. Events older than that fail closed with "
                            + "`CONSENT_HISTORY_EXPIRED`. A consent update captured before that cut-off still counts where no later "
                            + "update of its purpose came before the cut-off; otherwise nothing from the cut-off on could see it and it "
                            + "is dropped from the store. Longer retention costs local disk and changelog size.")
            .define(GRACE_MS, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "How long, in event time, an event waits for consent updates still in flight before it is decided. `0` "
                            + "decides every event at once. With a grace period, an event is decided once an event or consent "
                            + "update at least `grace` later in event time has been seen on its partition; events are decided in "
                            + "event-time order.")
            .define(CACHED_CUSTOMERS, Type.INT, 50_000, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Per task (one per consent-topic partition the instance is assigned), how many customers' consent histories "
                            + "(the `consent-histories` store) are kept decoded in memory, the ones used last. Each costs about 300 "
                            + "bytes plus 150 per statement kept. Every event reads its customer's history; one kept in memory is "
                            + "not decoded again. `0` decodes every history read. Decisions are the same at every value.")
            .define(VALUE_SERDE, Type.CLASS, ConfluentAvroSerde.class, Importance.LOW,
                    "Serde of the Avro values ConsentGate reads and writes; configured with the whole file; must return generic "
                            + "records and write the Confluent wire format. See [serde.md](serde.md#swapping-in-confluents-serde).");

    public ConsentGateConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
        List<String> topics = List.of(consentTopic(), reroutedConsentTopic(), auditTopic(), dlqTopic());
        if (new HashSet<>(topics).size() < topics.size()) {
            // One topic in two roles would feed dead letters or audit records back in as consent, or mix them.
            throw new ConfigException("the consent, rerouted-consent, audit and dead-letter topics must be four different topics: "
                    + CONSENT_TOPIC + "=" + consentTopic() + ", " + REROUTED_CONSENT_TOPIC + "=" + reroutedConsentTopic() + ", "
                    + AUDIT_TOPIC + "=" + auditTopic() + ", " + DLQ_TOPIC + "=" + dlqTopic());
        }
    }

    public String consentTopic() {
        return getString(CONSENT_TOPIC);
    }

    public String reroutedConsentTopic() {
        return getString(REROUTED_CONSENT_TOPIC);
    }

    public String auditTopic() {
        return getString(AUDIT_TOPIC);
    }

    public String dlqTopic() {
        return getString(DLQ_TOPIC);
    }

    public Duration historyRetention() {
        return Duration.ofMillis(getLong(HISTORY_RETENTION_MS));
    }

    public Duration grace() {
        return Duration.ofMillis(getLong(GRACE_MS));
    }

    public int cachedCustomers() {
        return getInt(CACHED_CUSTOMERS);
    }

    public KeyedHash keyedHash() {
        return new KeyedHash(hmacKeyBytes());
    }

    /**
     * The configured value serde, configured with {@code configs} (the registry's keys among them) for record values.
     */
    @SuppressWarnings("unchecked")
    public Serde<Object> valueSerde(Map<String, ?> configs) {
        Serde<Object> serde = getConfiguredInstance(VALUE_SERDE, Serde.class);
        serde.configure(configs, false);
        return serde;
    }

    private byte[] hmacKeyBytes() {
        Password key = getPassword(HMAC_KEY);
        return key.value().getBytes(StandardCharsets.UTF_8);
    }

    /** The HMAC key's validator; its message never shows the key. */
    private static final class MinimumKeyLength implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value instanceof Password key && key.value().getBytes(StandardCharsets.UTF_8).length < KeyedHash.MIN_KEY_BYTES) {
                throw new ConfigException(name + " must be at least " + KeyedHash.MIN_KEY_BYTES + " bytes long");
            }
        }

        @Override
        public String toString() {
            return "at least " + KeyedHash.MIN_KEY_BYTES + " bytes (UTF-8)";
        }
    }
}
