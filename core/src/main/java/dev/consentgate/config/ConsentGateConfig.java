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

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(CONSENT_TOPIC, Type.STRING, "consent.events", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Topic of consent events (Avro ConsentEvent, key = customer id). Must have as many partitions as every input topic.")
            .define(REROUTED_CONSENT_TOPIC, Type.STRING, "consent.events.rerouted", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Where consent events that arrive on a partition other than their customer id's (a producer that does not partition "
                            + "with Kafka's murmur2 on the key) are copied to, on their customer id's partition; read beside the consent topic. "
                            + "Same partitions and retention as the consent topic.")
            .define(AUDIT_TOPIC, Type.STRING, "consent.audit", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Topic receiving one DecisionRecord per input event.")
            .define(DLQ_TOPIC, Type.STRING, "consent.dlq", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Dead-letter topic for records that cannot be read, with the reason in headers.")
            .define(HISTORY_RETENTION_MS, Type.LONG, Duration.ofDays(30).toMillis(), ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "How far back the consent store answers 'consent as of time t'. Events older than the newest consent time minus this fail closed with CONSENT_HISTORY_EXPIRED.")
            .define(GRACE_MS, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "How long, in event time, an event waits for consent updates still in flight before it is decided. 0 decides at once.")
            .define(CACHED_CUSTOMERS, Type.INT, 50_000, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Per task, how many customers' consent histories are kept decoded in memory (about 300 bytes plus 150 per statement each). 0 decodes every one read from the store.")
            .define(HMAC_KEY, Type.PASSWORD, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "Secret key (at least " + KeyedHash.MIN_KEY_BYTES + " bytes, UTF-8) for HMAC-SHA256: the hash redaction action and the customer id in audit records. Keep it stable: changing it changes every hash.")
            .define(VALUE_SERDE, Type.CLASS, ConfluentAvroSerde.class, Importance.LOW,
                    "Serde of the Avro record values ConsentGate reads and writes. It is configured with the whole properties file, "
                            + "must return generic records, and must write the Confluent wire format (e.g. Confluent's GenericAvroSerde).");

    public ConsentGateConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
        List<String> topics = List.of(consentTopic(), reroutedConsentTopic(), auditTopic(), dlqTopic());
        if (new HashSet<>(topics).size() < topics.size()) {
            // One topic in two roles would feed dead letters or audit records back in as consent, or mix them.
            throw new ConfigException("the consent, rerouted-consent, audit and dead-letter topics must be four different topics: "
                    + CONSENT_TOPIC + "=" + consentTopic() + ", " + REROUTED_CONSENT_TOPIC + "=" + reroutedConsentTopic() + ", "
                    + AUDIT_TOPIC + "=" + auditTopic() + ", " + DLQ_TOPIC + "=" + dlqTopic());
        }
        if (hmacKeyBytes().length < KeyedHash.MIN_KEY_BYTES) {
            throw new ConfigException(HMAC_KEY + " must be at least " + KeyedHash.MIN_KEY_BYTES + " bytes long");
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
}
