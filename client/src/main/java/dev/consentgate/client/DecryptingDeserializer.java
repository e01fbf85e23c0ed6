package dev.consentgate.client;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * A value deserializer for purpose consumers: deserializes with the consumer's own Avro deserializer, then decrypts the
 * fields ConsentGate encrypted, with the data keys of the key topic and the key-encryption key this consumer was given.
 * Records without encrypted fields pass as they are. Settings, beside the consumer's own (which also reach the key topic):
 * <ul>
 * <li>{@value #INNER}: the Avro value deserializer's class, configured with the same settings (required);</li>
 * <li>{@value #KEK}, {@value #KEK_FILE} or {@value #KEK_ENV}: the key-encryption key, a Tink keyset in JSON, as the value
 * (as the service takes it, e.g. through a config provider), from a file, or from an environment variable (one of them);</li>
 * <li>{@value #KEYS_TOPIC}: the key topic, {@code consent.keys} by default;</li>
 * <li>{@value #REFRESH_MS}: how often erasures are read, 60 s by default;</li>
 * <li>{@value #ON_ERASED}: {@code fail} (default) throws, naming the erasure, for a record whose customer was erased;
 * {@code null} returns it with its encrypted fields set to null.</li>
 * </ul>
 */
public final class DecryptingDeserializer implements Deserializer<Object> {

    public static final String INNER = "consentgate.decrypt.value.deserializer";
    public static final String KEK = "consentgate.keys.kek";
    public static final String KEK_FILE = "consentgate.keys.kek.file";
    public static final String KEK_ENV = "consentgate.keys.kek.env";
    public static final String KEYS_TOPIC = "consentgate.keys.topic";
    public static final String REFRESH_MS = "consentgate.decrypt.refresh.ms";
    public static final String ON_ERASED = "consentgate.decrypt.on.erased";

    private Deserializer<Object> inner;
    private DataKeyRing ring;
    private RecordDecryptor decryptor;
    private boolean nullOnErased;
    private long refreshNanos;
    private long lastRefresh;

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (isKey) {
            throw new KafkaException(getClass().getSimpleName() + " reads record values; keys are never encrypted");
        }
        Object innerClass = configs.get(INNER);
        if (innerClass == null) {
            throw new KafkaException(INNER + " is not set: it names the Avro deserializer whose records are decrypted");
        }
        try {
            inner = Utils.newInstance(innerClass instanceof Class<?> c ? c.getName() : innerClass.toString(), Deserializer.class);
        } catch (ClassNotFoundException e) {
            throw new KafkaException(INNER + ": no class " + innerClass, e);
        }
        inner.configure(configs, false);
        String onErased = String.valueOf(configs.containsKey(ON_ERASED) ? configs.get(ON_ERASED) : "fail");
        if (!onErased.equals("fail") && !onErased.equals("null")) {
            throw new KafkaException(ON_ERASED + " must be fail or null, not " + onErased);
        }
        nullOnErased = onErased.equals("null");
        refreshNanos = Duration.ofMillis(Long.parseLong(String.valueOf(configs.containsKey(REFRESH_MS) ? configs.get(REFRESH_MS) : "60000")))
                .toNanos();
        // The key before the key topic: a missing or wrong key is told without waiting for the cluster.
        KeyEncryptionKey kek = keyEncryptionKey(configs);
        ring = new DataKeyRing(String.valueOf(configs.containsKey(KEYS_TOPIC) ? configs.get(KEYS_TOPIC) : "consent.keys"), configs);
        decryptor = new RecordDecryptor(ring, kek);
        lastRefresh = System.nanoTime();
    }

    private static KeyEncryptionKey keyEncryptionKey(Map<String, ?> configs) {
        try {
            return readKeyEncryptionKey(configs);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new KafkaException(e.getMessage());
        }
    }

    private static KeyEncryptionKey readKeyEncryptionKey(Map<String, ?> configs) {
        Object value = configs.get(KEK);
        Object file = configs.get(KEK_FILE);
        Object env = configs.get(KEK_ENV);
        if (Stream.of(value, file, env).filter(Objects::nonNull).count() != 1) {
            throw new KafkaException("set one of " + KEK + ", " + KEK_FILE + " and " + KEK_ENV
                    + ": the key-encryption key that opens the data keys");
        }
        if (value != null) {
            // A config provider hands a Password-typed value through as its text; a plain string arrives as it is.
            return KeysetKek.fromJson(value instanceof Password password ? password.value() : value.toString(), KEK);
        }
        return file != null ? KeysetKek.fromFile(Path.of(file.toString())) : KeysetKek.fromEnvironment(env.toString());
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        return inner.deserialize(topic, data);
    }

    @Override
    public Object deserialize(String topic, Headers headers, byte[] data) {
        if (inner == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " was not configured: name it in value.deserializer, "
                    + "so the consumer configures it, or call configure first");
        }
        Object value = inner.deserialize(topic, headers, data);
        Header subject = headers == null ? null : headers.lastHeader(EncryptedFields.SUBJECT_HEADER);
        if (!(value instanceof GenericRecord record) || subject == null || subject.value() == null) {
            return value;
        }
        if (System.nanoTime() - lastRefresh > refreshNanos) {
            decryptor.refresh();
            lastRefresh = System.nanoTime();
        }
        String pseudonym = new String(subject.value(), StandardCharsets.UTF_8);
        try {
            return decryptor.decrypt(topic, pseudonym, record);
        } catch (ErasedDataKeyException e) {
            if (nullOnErased) {
                return RecordDecryptor.withoutEncryptedFields(record);
            }
            throw new SerializationException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new SerializationException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (inner != null) {
            inner.close();
        }
        if (ring != null) {
            ring.close();
        }
    }
}
