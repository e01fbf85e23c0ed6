package dev.consentgate.consent;

import dev.consentgate.schema.internal.CustomerConsentHistory;
import dev.consentgate.schema.internal.JurisdictionChange;
import dev.consentgate.serde.SpecificAvroBinary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the consent store's values: a format byte, then {@link CustomerConsentHistory} in plain Avro
 * binary, without a registry (the store and its changelog are internal); each statement in the shape an
 * audit record reports a consent record in. A later build that changes the value's schema writes another
 * format byte and reads this one with this schema as the writer's.
 *
 * <p>Format 2 added each statement's signal. Format 1, which stores and changelogs written before hold, is read
 * with its own schema as the writer's, so an upgrade needs no reset: its statements come from consent events.
 */
final class CustomerHistorySerde implements Serde<CustomerHistory> {

    static final byte FORMAT = 2;
    static final byte FORMAT_BEFORE_SIGNALS = 1;
    private static final SpecificAvroBinary<CustomerConsentHistory> BINARY = new SpecificAvroBinary<>(CustomerConsentHistory.class);
    private static final SpecificAvroBinary<CustomerConsentHistory> BINARY_BEFORE_SIGNALS =
            new SpecificAvroBinary<>(CustomerConsentHistory.class, formatBeforeSignals());

    @Override
    public Serializer<CustomerHistory> serializer() {
        return (topic, history) -> {
            if (history == null) {
                return null;
            }
            byte[] avro = BINARY.encode(toAvro(history));
            byte[] framed = new byte[avro.length + 1];
            framed[0] = FORMAT;
            System.arraycopy(avro, 0, framed, 1, avro.length);
            return framed;
        };
    }

    @Override
    public Deserializer<CustomerHistory> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length == 0 || (bytes[0] != FORMAT && bytes[0] != FORMAT_BEFORE_SIGNALS)) {
                // Never guess at consent: a value this build cannot read stops the task rather than answering "no record".
                throw new IllegalStateException("a consent store value of format " + (bytes.length == 0 ? "(empty)" : bytes[0])
                        + "; this build reads formats " + FORMAT_BEFORE_SIGNALS + " and " + FORMAT);
            }
            SpecificAvroBinary<CustomerConsentHistory> binary = bytes[0] == FORMAT ? BINARY : BINARY_BEFORE_SIGNALS;
            return fromAvro(binary.decode(bytes, 1, bytes.length - 1));
        };
    }

    private static Schema formatBeforeSignals() {
        try (InputStream in = CustomerHistorySerde.class.getResourceAsStream("/consent/customer-consent-history-format-1.avsc")) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the consent store's format-1 schema is missing from the jar", e);
        }
    }

    private static CustomerConsentHistory toAvro(CustomerHistory history) {
        List<JurisdictionChange> jurisdictions = new ArrayList<>(history.jurisdictions().size());
        history.jurisdictions().forEach(j -> jurisdictions.add(new JurisdictionChange(j.at(), j.jurisdiction())));
        return new CustomerConsentHistory(history.statements().stream().map(ConsentStates::toRecordUsed).toList(), jurisdictions);
    }

    private static CustomerHistory fromAvro(CustomerConsentHistory avro) {
        return CustomerHistory.of(
                avro.getStatements().stream().map(ConsentStates::fromRecordUsed).toList(),
                avro.getJurisdictions().stream().map(j -> new CustomerHistory.JurisdictionAt(j.getAt(), j.getJurisdiction())).toList());
    }
}
