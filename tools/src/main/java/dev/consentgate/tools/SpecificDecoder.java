package dev.consentgate.tools;

import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.serde.AvroSerdeConfig;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.serde.TransientErrors;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes the values of ConsentGate's own topics (audit, consent) into their generated classes with ConsentGate's
 * reader, whatever serde the service was configured with. Older records read with today's schema: fields they lack
 * take their defaults.
 */
final class SpecificDecoder implements AutoCloseable {

    private final ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer();

    SpecificDecoder(Map<String, Object> properties) {
        Map<String, Object> configs = new HashMap<>(properties);
        configs.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        deserializer.configure(configs, false);
    }

    /**
     * The value as a {@code type}, or null when it is not one in the wire format; a {@link CommandFailure} (exit 3) when
     * the registry cannot be reached, since reading on would pass over records that are there.
     */
    <T> T decode(String topic, byte[] value, Class<T> type) {
        try {
            Object decoded = deserializer.deserialize(topic, value);
            return type.isInstance(decoded) ? type.cast(decoded) : null;
        } catch (SerializationException e) {
            if (TransientErrors.isTransient(e)) {
                throw new CommandFailure(ExitCodes.UNREACHABLE, "the schema registry cannot be reached: " + e.getMessage());
            }
            return null;
        }
    }

    @Override
    public void close() {
        deserializer.close();
    }
}
