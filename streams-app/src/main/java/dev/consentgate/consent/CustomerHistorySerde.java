package dev.consentgate.consent;

import dev.consentgate.schema.internal.CustomerConsentHistory;
import dev.consentgate.schema.internal.JurisdictionChange;
import dev.consentgate.serde.SpecificAvroBinary;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the consent store's values: {@link CustomerConsentHistory} in plain Avro binary, without a
 * registry (the store and its changelog are internal); each statement in the shape an audit record reports
 * a consent record in.
 */
final class CustomerHistorySerde implements Serde<CustomerHistory> {

    private static final SpecificAvroBinary<CustomerConsentHistory> BINARY = new SpecificAvroBinary<>(CustomerConsentHistory.class);

    @Override
    public Serializer<CustomerHistory> serializer() {
        return (topic, history) -> history == null ? null : BINARY.encode(toAvro(history));
    }

    @Override
    public Deserializer<CustomerHistory> deserializer() {
        return (topic, bytes) -> bytes == null ? null : fromAvro(BINARY.decode(bytes));
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
