package dev.consentgate.tools;

import dev.consentgate.audit.CheckpointKeys;
import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reading the checkpoint topic and the auditor's public key, as {@code audit verify} and {@code audit anchor} do. */
final class SignedCheckpoints {

    private SignedCheckpoints() {
    }

    /** Every committed record of the checkpoint topic, in offset order within each partition. */
    static void read(Setup setup, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        String topic = setup.config().checkpointTopic();
        try (BoundedTopicReader reader = new BoundedTopicReader(setup.properties())) {
            reader.read(reader.spans(topic, RecordRange.all()), handler);
        }
    }

    /** The Ed25519 public key in {@code file}; a {@link CommandFailure} (exit 2) names a file that cannot be read or is no key. */
    static PublicKey publicKey(Path file) {
        try {
            return CheckpointKeys.parsePublic(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "cannot read " + file + ": " + e);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, e.getMessage());
        }
    }
}
