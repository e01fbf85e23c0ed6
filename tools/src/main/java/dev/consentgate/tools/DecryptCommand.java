package dev.consentgate.tools;

import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.client.DataKeyRing;
import dev.consentgate.client.EncryptedFields;
import dev.consentgate.client.ErasedDataKeyException;
import dev.consentgate.client.RecordDecryptor;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code consentgate decrypt}: a purpose topic's records with their encrypted fields opened, for inspection. */
@Command(name = "decrypt", mixinStandardHelpOptions = true,
        description = {"Print the records of a purpose topic, one per line, with the fields ConsentGate encrypted decrypted under "
                + "their customer's data key (from consentgate.keys.topic, opened with the key-encryption key of the config). "
                + "A record whose customer was erased is printed as erased, without its encrypted fields.",
                "Prints personal data: run it only where the reader may see it. Reads committed records only, joins no consumer "
                        + "group, writes nothing. Exit 0."})
final class DecryptCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "Properties: bootstrap.servers, security, schema.registry.url, consentgate.keys.topic, consentgate.keys.kek.")
    Path config;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The purpose topic.")
    String topic;

    @Mixin
    RecordRange range;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        range.validate();
        Setup setup = Setup.withoutPolicy(config, System.getenv());
        var kek = setup.config().keyEncryptionKey().orElseThrow(() -> new CommandFailure(ExitCodes.INVALID_INPUT,
                config + " names no key-encryption key: set " + ConsentGateConfig.KEK));
        PrintWriter out = spec.commandLine().getOut();
        try (ConfluentAvroDeserializer values = new ConfluentAvroDeserializer();
             DataKeyRing ring = new DataKeyRing(setup.config().keysTopic(), setup.properties());
             BoundedTopicReader reader = new BoundedTopicReader(setup.properties())) {
            values.configure(setup.properties(), false);
            RecordDecryptor decryptor = new RecordDecryptor(ring, kek);
            reader.read(reader.spans(topic, range), record -> out.println(line(record, values, decryptor)));
        }
        return ExitCodes.OK;
    }

    private String line(ConsumerRecord<byte[], byte[]> record, ConfluentAvroDeserializer values, RecordDecryptor decryptor) {
        String position = "partition " + record.partition() + " offset " + record.offset() + ": ";
        GenericRecord value = (GenericRecord) values.deserialize(topic, record.value());
        Header subject = record.headers().lastHeader(EncryptedFields.SUBJECT_HEADER);
        if (subject == null) {
            return position + "not encrypted " + value;
        }
        try {
            return position + "decrypted " + decryptor.decrypt(topic, new String(subject.value(), StandardCharsets.UTF_8), value);
        } catch (ErasedDataKeyException e) {
            return position + "erased " + RecordDecryptor.withoutEncryptedFields(value);
        }
    }
}
