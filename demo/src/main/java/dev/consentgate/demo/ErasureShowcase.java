package dev.consentgate.demo;

import dev.consentgate.client.DataKeyRing;
import dev.consentgate.client.EncryptedFields;
import dev.consentgate.client.ErasedDataKeyException;
import dev.consentgate.client.KeyEncryptionKey;
import dev.consentgate.client.RecordDecryptor;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.testing.KafkaTestSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The demo's last act: one customer whose email reached the marketing purpose encrypted is erased, and the records the
 * purpose received before, still in its topic, can no longer be read. Prints counts and the erasure's message only: never
 * the email or the customer id.
 */
final class ErasureShowcase {

    private static final Duration KEY_DESTROYED_WITHIN = Duration.ofMinutes(1);

    private final Map<String, Object> properties;
    private final String purposeTopic;
    private final String keysTopic;
    private final KeyEncryptionKey kek;

    ErasureShowcase(Map<String, Object> properties, String purposeTopic, String keysTopic, KeyEncryptionKey kek) {
        this.properties = properties;
        this.purposeTopic = purposeTopic;
        this.keysTopic = keysTopic;
        this.kek = kek;
    }

    /** Erases one customer with readable encrypted records through {@code erase} (given the customer id) and reports on {@code out}. */
    List<String> run(Consumer<String> erase) throws InterruptedException {
        List<String> report = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> records = purposeRecords();
        try (ConfluentAvroDeserializer values = new ConfluentAvroDeserializer(); DataKeyRing ring = new DataKeyRing(keysTopic, properties)) {
            values.configure(properties, false);
            RecordDecryptor decryptor = new RecordDecryptor(ring, kek);
            String subject = records.stream().map(ErasureShowcase::subject).filter(s -> s != null && ring.wrappedKey(s).isPresent())
                    .findFirst().orElse(null);
            if (subject == null) {
                report.add("no customer with encrypted fields in " + purposeTopic + " to erase");
                return report;
            }
            List<ConsumerRecord<byte[], byte[]>> theirs = records.stream().filter(r -> subject.equals(subject(r))).toList();
            long readable = theirs.stream().filter(r -> opens(decryptor, values, r, subject)).count();
            report.add(String.format("before: %d of their %d records in %s decrypt; the email is back in the clear", readable,
                    theirs.size(), purposeTopic));
            erase.accept(new String(theirs.get(0).key(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + KEY_DESTROYED_WITHIN.toNanos();
            while (ring.wrappedKey(subject).isPresent() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                ring.refresh();
            }
            report.add("erasure request sent; their data key is destroyed (a tombstone on " + keysTopic + ")");
            decryptor.refresh();
            long after = theirs.stream().filter(r -> opens(decryptor, values, r, subject)).count();
            String why = "";
            try {
                decryptor.decrypt(purposeTopic, subject, (GenericRecord) values.deserialize(purposeTopic, theirs.get(0).value()));
            } catch (ErasedDataKeyException e) {
                why = ": " + e.getMessage();
            }
            report.add(String.format("after:  %d of the same %d records decrypt, though every one is still in the topic%s", after,
                    theirs.size(), why));
        }
        return report;
    }

    private boolean opens(RecordDecryptor decryptor, ConfluentAvroDeserializer values, ConsumerRecord<byte[], byte[]> record, String subject) {
        try {
            decryptor.decrypt(purposeTopic, subject, (GenericRecord) values.deserialize(purposeTopic, record.value()));
            return true;
        } catch (ErasedDataKeyException e) {
            return false;
        }
    }

    private static String subject(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(EncryptedFields.SUBJECT_HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private List<ConsumerRecord<byte[], byte[]>> purposeRecords() {
        return KafkaTestSupport.readToEnd(properties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG).toString(), purposeTopic, Duration.ofMinutes(1));
    }
}
