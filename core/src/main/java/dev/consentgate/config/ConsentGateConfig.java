package dev.consentgate.config;

import dev.consentgate.client.KeyEncryptionKey;
import dev.consentgate.client.KeysetKek;
import dev.consentgate.policy.HmacKey;
import dev.consentgate.policy.KeyRing;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.serde.ConfluentAvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    public static final String SIGNALS_TOPIC = "consentgate.signals.topic";
    public static final String AUDIT_TOPIC = "consentgate.audit.topic";
    public static final String DLQ_TOPIC = "consentgate.dlq.topic";
    public static final String HISTORY_RETENTION_MS = "consentgate.consent.history.retention.ms";
    public static final String GRACE_MS = "consentgate.grace.ms";
    public static final String TIME_MAX_AHEAD_MS = "consentgate.time.max.ahead.ms";
    public static final String CACHED_CUSTOMERS = "consentgate.consent.cache.customers";
    public static final String HMAC_KEY = "consentgate.hmac.key";
    public static final String HMAC_KEY_ID = "consentgate.hmac.key.id";
    public static final String VALUE_SERDE = "consentgate.value.serde";
    public static final String CHECKPOINT_TOPIC = "consentgate.audit.checkpoints.topic";
    public static final String SIGNING_KEY_FILE = "consentgate.audit.signing.key.file";
    public static final String SIGNING_PUBLIC_KEY_FILE = "consentgate.audit.signing.public.key.file";
    public static final String CHECKPOINT_INTERVAL = "consentgate.audit.checkpoint.interval";
    public static final String POLICIES_TOPIC = "consentgate.policies.topic";
    public static final String KEYS_TOPIC = "consentgate.keys.topic";
    public static final String KEK = "consentgate.keys.kek";
    public static final String ERASURE_TOPIC = "consentgate.erasure.topic";
    public static final String REVIEW_TOPIC = "consentgate.review.topic";
    public static final String REVIEW_DECISIONS_TOPIC = "consentgate.review.decisions.topic";

    /** Every key, its type, default, validator and documentation: the key table of docs/configuration.md is made from it. */
    public static final ConfigDef DEFINITION = withKeysOfEveryUse(new ConfigDef()
            .define(HMAC_KEY, Type.PASSWORD, null, new StrongKey(), Importance.HIGH,
                    "Secret key of the HMAC-SHA256 used for every use whose own key is not set: the default of `"
                            + KeyUse.PSEUDONYM.keyConfig() + "`, `" + KeyUse.FIELD_HASH.keyConfig() + "` and `"
                            + KeyUse.STATE.keyConfig() + "`, enough for a single-key setup. Make one with `openssl rand -base64 48`; see [operations.md](operations.md#hmac-keys). "
                            + "Never logged.")
            .define(HMAC_KEY_ID, Type.STRING, null, new KeyId(), Importance.MEDIUM,
                    "Id of `" + HMAC_KEY + "`, recorded wherever a hash made with it is written (the audit record's "
                            + "`pseudonymKeyId`, the key-id headers of purpose records), e.g. a key manager's name and version. "
                            + "Unset: a fingerprint of the key, the first 16 hex digits of the HMAC-SHA256 of the text "
                            + "`consentgate-key-id` under it, which changes with the key and shows nothing of it.")
            .define(CONSENT_TOPIC, Type.STRING, "consent.events", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Consent events (Avro `ConsentEvent`, key = customer id, as UTF-8). Must have as many partitions as every "
                            + "input topic that is keyed by customer id; the `events-by-customer` repartition topic is created with "
                            + "the same count.")
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
            .define(SIGNALS_TOPIC, Type.STRING, "consent.signals", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Privacy signals (TCF, GPP, GPC; Avro ConsentSignal, key = customer id), read only when the policy has a "
                            + "`signals` section ([policy-reference.md](policy-reference.md#signals)). Any partitioning: the statements "
                            + "decoded from a signal are written to the rerouted-consent topic, on their customer's partition.")
            .define(HISTORY_RETENTION_MS, Type.LONG, Duration.ofDays(30).toMillis(), ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "How far back (30 days by default) the consent store answers \"consent as of time t\", measured back from "
                            + "the newest consent time seen on the partition. Events older than that fail closed with "
                            + "`CONSENT_HISTORY_EXPIRED`. A consent update captured before that cut-off still counts where no later "
                            + "update of its purpose came before the cut-off, or only time-limited grants did (a refusal comes back "
                            + "when they lapse); otherwise nothing from the cut-off on could see it and it is dropped from the store. "
                            + "Longer retention costs local disk and changelog size.")
            .define(GRACE_MS, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "How long, in event time, an event waits for consent updates still in flight before it is decided. `0` "
                            + "decides every event at once. With a grace period, an event is decided once an event or consent "
                            + "update at least `grace` later in event time has been seen on its partition; events are decided in "
                            + "event-time order. Lowered or set to `0`, events still waiting are decided as the partition's event "
                            + "time passes them.")
            .define(TIME_MAX_AHEAD_MS, Type.LONG, Duration.ofHours(1).toMillis(), ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "How far (one hour by default) an event's time, or a consent event's or signal's capture time, may lie after "
                            + "its record's Kafka timestamp. Each partition decides at the latest time it has seen, so one record dated "
                            + "ahead would make its later decisions fail closed (grants looking expired, events beyond the consent "
                            + "history). An event or a grant beyond goes to the dead-letter topic (`TIME_AHEAD_OF_RECORD`); a refusal "
                            + "(DENIED, WITHDRAWN, an erasure, a signal's opt-out) beyond counts from the bound (its capture time taken "
                            + "as the record's timestamp plus this), so a customer's \"no\" is never lost. Brokers keep Kafka "
                            + "timestamps from running ahead of their clock "
                            + "(`log.message.timestamp.after.max.ms`, one hour by default since Kafka 4.0). A replay needs the value "
                            + "the service ran with.")
            .define(CACHED_CUSTOMERS, Type.INT, 50_000, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Per task (one per consent-topic partition the instance is assigned), how many customers' consent histories "
                            + "(the `consent-histories` store) are kept decoded in memory, the ones used last, and as many delivery "
                            + "summaries (the `delivery-summaries` store), as stored. A history costs about 300 bytes plus 150 per "
                            + "statement kept, a summary about 150 bytes plus 120 per purpose topic it names. Every event reads its "
                            + "customer's history, and every event that reaches a purpose their summary; one kept in memory is not "
                            + "read from the store again. `0` reads every one from the store. Decisions and erasure notices are the "
                            + "same at every value.")
            .define(CHECKPOINT_TOPIC, Type.STRING, "consent.audit.checkpoints", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Signed checkpoints of the audit chains ([audit.md](audit.md#signed-checkpoints)), written only with "
                            + "`" + SIGNING_KEY_FILE + "`: partition *i* holds those of audit partition *i*. Kept forever; "
                            + "`topics create` creates it.")
            .define(POLICIES_TOPIC, Type.STRING, "consent.policies", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Every policy the service starts with, keyed by its content hash ([audit.md](audit.md#policies-in-the-log)): "
                            + "`replay` takes policies from it when given no `--policy` file. Compacted; `topics create` creates "
                            + "it; `run` refuses to start without it (exit 4).")
            .define(KEYS_TOPIC, Type.STRING, "consent.keys", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Customers' data keys, wrapped by the key-encryption key, keyed by the customer's data-key reference "
                            + "([erasure.md](erasure.md)); an erasure writes a tombstone. Compacted; `topics create` creates it; "
                            + "`run` refuses to start without it when the policy encrypts.")
            .define(ERASURE_TOPIC, Type.STRING, "privacy.erasure", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "One erasure notice (Avro `ErasureNotice`, key = customer id) per erasure request, for the systems that must "
                            + "delete the customer's data: what each purpose topic received ([erasure.md](erasure.md#erasure-notices)). "
                            + "Holds customer ids: only those systems may read it. Kept forever; `topics create` creates it; `run` "
                            + "refuses to start without it (exit 4).")
            .define(REVIEW_TOPIC, Type.STRING, "consent.review", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Records held for a reviewer, when a purpose has `review: required` "
                            + "([policy-reference.md](policy-reference.md#review)): each minimized for its purpose, keyed like its "
                            + "purpose record, with the decision it would have had and its review id in `consent-*` headers. Holds "
                            + "personal data: only the service writes it (and reads it back to locate an erased customer's held "
                            + "records), only reviewers read it. `topics create` creates it; `run` refuses to start without it when "
                            + "the policy uses review (exit 4).")
            .define(REVIEW_DECISIONS_TOPIC, Type.STRING, "consent.review.decisions", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Reviewers' decisions (Avro `ReviewDecision`, key = review id), written by `consentgate review approve|reject` "
                            + "to the partition the review id names, which is the held record's. Read beside the consent topic: same "
                            + "partitions, kept forever (a replay reads it). `topics create` creates it; `run` refuses to start without "
                            + "it when the policy uses review (exit 4).")
            .define(KEK, Type.PASSWORD, null, Importance.HIGH,
                    "The key-encryption key that wraps every customer's data key ([erasure.md](erasure.md#keys)): a Tink "
                            + "AES-256-GCM keyset in JSON (`consentgate keys kek` makes one), best given as a secret file through "
                            + "`${dir:...}` ([secrets](#secured-kafka-and-secrets-from-files)). Required when the policy encrypts (`encrypt` in `redact`, or "
                            + "`encrypt_categories`). Never logged.")
            .define(SIGNING_KEY_FILE, Type.STRING, null, Importance.MEDIUM,
                    "Ed25519 private key (PKCS#8, PEM or DER) that signs checkpoints of the audit chains; `audit keygen` makes "
                            + "one. Unset: no checkpoints are written. Needs `" + SIGNING_PUBLIC_KEY_FILE + "`. Never logged.")
            .define(SIGNING_PUBLIC_KEY_FILE, Type.STRING, null, Importance.MEDIUM,
                    "The public key (X.509, PEM or DER) of `" + SIGNING_KEY_FILE + "`: its id goes into every checkpoint, and "
                            + "the service refuses to start when the two are not a pair.")
            .define(CHECKPOINT_INTERVAL, Type.INT, 100, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "A checkpoint is signed after every this many audit records of a partition (sequences *N*-1, 2*N*-1, ...), "
                            + "so the checkpoints are the same whenever and wherever the records are written.")
            .define(VALUE_SERDE, Type.CLASS, ConfluentAvroSerde.class, Importance.LOW,
                    "Serde of the Avro values ConsentGate reads and writes; configured with the whole file; must return generic "
                            + "records and write the Confluent wire format. See [serde.md](serde.md#swapping-in-confluents-serde)."));

    /** Each use's key, and a rotating use's id and previous-keys file, in the order of {@link KeyUse}, after the keys they default to. */
    private static ConfigDef withKeysOfEveryUse(ConfigDef definition) {
        for (KeyUse use : KeyUse.values()) {
            definition.define(use.keyConfig(), Type.PASSWORD, null, new StrongKey(), Importance.HIGH,
                    "Secret key of the HMAC-SHA256 for " + use.usedFor() + ". Unset: `" + HMAC_KEY + "`. Never logged.");
            if (!use.rotates()) {
                continue;
            }
            definition
                    .define(use.idConfig(), Type.STRING, null, new KeyId(), Importance.MEDIUM,
                            "Id of `" + use.keyConfig() + "`, recorded with every hash made with it. Unset: `" + HMAC_KEY_ID
                                    + "` when the key is `" + HMAC_KEY + "`, else the key's fingerprint (see `" + HMAC_KEY_ID + "`).")
                    .define(use.previousKeysFileConfig(), Type.STRING, null, Importance.MEDIUM,
                            "File of the keys `" + use.keyConfig() + "` replaced, one `id=key` per line (`#` starts a comment), kept "
                                    + "to verify and look up hashes made before a rotation; nothing new is hashed with them. Every "
                                    + "id differs from the others and the current key's; every key is as strong as a current "
                                    + "one. Read at start. See [operations.md](operations.md#rotating-a-key).");
        }
        return definition;
    }

    public ConsentGateConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
        List<String> topics = List.of(consentTopic(), reroutedConsentTopic(), signalsTopic(), auditTopic(), dlqTopic(), checkpointTopic(),
                policiesTopic(), keysTopic(), erasureTopic(), reviewTopic(), reviewDecisionsTopic());
        if (new HashSet<>(topics).size() < topics.size()) {
            // One topic in two roles would feed dead letters or audit records back in as consent, or mix them.
            throw new ConfigException("the consent, rerouted-consent, signals, audit, dead-letter, checkpoint, policy, key, erasure, "
                    + "review and review-decision topics must be eleven different topics: " + CONSENT_TOPIC + "=" + consentTopic() + ", " + REROUTED_CONSENT_TOPIC + "="
                    + reroutedConsentTopic() + ", " + SIGNALS_TOPIC + "=" + signalsTopic() + ", " + AUDIT_TOPIC + "=" + auditTopic() + ", "
                    + DLQ_TOPIC + "=" + dlqTopic() + ", " + CHECKPOINT_TOPIC + "=" + checkpointTopic() + ", " + POLICIES_TOPIC + "="
                    + policiesTopic() + ", " + KEYS_TOPIC + "=" + keysTopic() + ", " + ERASURE_TOPIC + "=" + erasureTopic() + ", "
                    + REVIEW_TOPIC + "=" + reviewTopic() + ", " + REVIEW_DECISIONS_TOPIC + "=" + reviewDecisionsTopic());
        }
        refuseUsesWithoutAKey();
        if (getPassword(HMAC_KEY) == null && getString(HMAC_KEY_ID) != null) {
            throw new ConfigException(HMAC_KEY_ID + " is set but " + HMAC_KEY + " is not: the id names no key");
        }
        if ((getString(SIGNING_KEY_FILE) == null) != (getString(SIGNING_PUBLIC_KEY_FILE) == null)) {
            throw new ConfigException(SIGNING_KEY_FILE + " and " + SIGNING_PUBLIC_KEY_FILE + " go together: set both or neither");
        }
    }

    public String consentTopic() {
        return getString(CONSENT_TOPIC);
    }

    public String reroutedConsentTopic() {
        return getString(REROUTED_CONSENT_TOPIC);
    }

    public String signalsTopic() {
        return getString(SIGNALS_TOPIC);
    }

    public String auditTopic() {
        return getString(AUDIT_TOPIC);
    }

    public String dlqTopic() {
        return getString(DLQ_TOPIC);
    }

    public String checkpointTopic() {
        return getString(CHECKPOINT_TOPIC);
    }

    public String policiesTopic() {
        return getString(POLICIES_TOPIC);
    }

    public String erasureTopic() {
        return getString(ERASURE_TOPIC);
    }

    public String keysTopic() {
        return getString(KEYS_TOPIC);
    }

    public String reviewTopic() {
        return getString(REVIEW_TOPIC);
    }

    public String reviewDecisionsTopic() {
        return getString(REVIEW_DECISIONS_TOPIC);
    }

    /**
     * The key-encryption key that wraps customers' data keys, when one is configured; a value that is not a keyset stops
     * with a message naming the setting, never showing the value.
     */
    public Optional<KeyEncryptionKey> keyEncryptionKey() {
        Password kek = getPassword(KEK);
        try {
            return kek == null ? Optional.empty() : Optional.of(KeysetKek.fromJson(kek.value(), KEK));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    public int checkpointInterval() {
        return getInt(CHECKPOINT_INTERVAL);
    }

    /** The checkpoint signing key's private and public key files, when configured; both or neither (checked at construction). */
    public Optional<SigningKeyFiles> signingKeyFiles() {
        String privateFile = getString(SIGNING_KEY_FILE);
        return privateFile == null ? Optional.empty() : Optional.of(new SigningKeyFiles(privateFile, getString(SIGNING_PUBLIC_KEY_FILE)));
    }

    /** Where the Ed25519 key pair that signs audit checkpoints is read from; the command line reads them. */
    public record SigningKeyFiles(String privateKey, String publicKey) {
    }

    public Duration historyRetention() {
        return Duration.ofMillis(getLong(HISTORY_RETENTION_MS));
    }

    public Duration grace() {
        return Duration.ofMillis(getLong(GRACE_MS));
    }

    public Duration timeMaxAhead() {
        return Duration.ofMillis(getLong(TIME_MAX_AHEAD_MS));
    }

    public int cachedCustomers() {
        return getInt(CACHED_CUSTOMERS);
    }

    /** The current key of {@code use}, which hashes everything new, with its id. */
    public HmacKey currentKey(KeyUse use) {
        Password own = getPassword(use.keyConfig());
        KeyedHash hash = new KeyedHash(utf8(own != null ? own : getPassword(HMAC_KEY)));
        String id = use.rotates() ? getString(use.idConfig()) : null;
        if (id == null && own == null) {
            id = getString(HMAC_KEY_ID);
        }
        return new HmacKey(id != null ? id : hash.fingerprint(), hash);
    }

    /** Where {@code use}'s previous keys are, when configured: the command line reads the file for {@link #keyRing}. */
    public Optional<String> previousKeysFile(KeyUse use) {
        return use.rotates() ? Optional.ofNullable(getString(use.previousKeysFileConfig())) : Optional.empty();
    }

    /**
     * {@code use}'s current key and previous keys.
     *
     * @param previousKeysText the content of {@link #previousKeysFile}, empty when there is none
     * @throws ConfigException naming the setting when a line is not {@code id=key}, a key is weak or an id is taken twice
     */
    public KeyRing keyRing(KeyUse use, String previousKeysText) {
        String setting = use.previousKeysFileConfig();
        List<HmacKey> previous = PreviousKeys.parse(setting, previousKeysText);
        try {
            return new KeyRing(currentKey(use), previous);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting + ": " + e.getMessage());
        }
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

    /** Every use needs a key: its own, or the default every use shares. */
    private void refuseUsesWithoutAKey() {
        if (getPassword(HMAC_KEY) != null) {
            return;
        }
        List<String> missing = Arrays.stream(KeyUse.values()).map(KeyUse::keyConfig).filter(key -> getPassword(key) == null).toList();
        if (!missing.isEmpty()) {
            throw new ConfigException("no HMAC key for " + String.join(", ", missing) + ": set " + HMAC_KEY
                    + ", the key of every use, or each use's own key; " + StrongKey.HOW_TO_MAKE_ONE);
        }
    }

    private static byte[] utf8(Password key) {
        return key.value().getBytes(StandardCharsets.UTF_8);
    }
}
