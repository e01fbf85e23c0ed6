package dev.consentgate.consent;

import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.ConsentStatus;
import dev.consentgate.policy.Purpose;
import dev.consentgate.schema.ConsentRecordUsed;
import dev.consentgate.serde.SpecificAvroBinary;
import java.time.Instant;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the consent store's values: the {@link ConsentRecordUsed} Avro record in plain binary,
 * without a registry (the store and its changelog are internal). The same record shape is what an
 * audit record reports as the consent used, so {@link #toRecordUsed} serves both.
 */
public final class ConsentStateSerde implements Serde<ConsentState> {

    private static final SpecificAvroBinary<ConsentRecordUsed> BINARY = new SpecificAvroBinary<>(ConsentRecordUsed.class);

    @Override
    public Serializer<ConsentState> serializer() {
        return (topic, state) -> state == null ? null : BINARY.encode(toRecordUsed(state));
    }

    @Override
    public Deserializer<ConsentState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : fromRecordUsed(BINARY.decode(bytes));
    }

    public static ConsentRecordUsed toRecordUsed(ConsentState state) {
        // The all-arguments constructor, not the builder: this runs for every consent stored and every decision
        // audited, and the builder validates and copies each field. Every field is given, so nothing differs.
        return new ConsentRecordUsed(
                state.purpose() == null ? null : state.purpose().key(),
                state.status().name(),
                Instant.ofEpochMilli(state.capturedAt()),
                state.expiresAt() == null ? null : Instant.ofEpochMilli(state.expiresAt()),
                state.jurisdiction(),
                state.source(),
                state.noticeVersion(),
                state.consentId());
    }

    static ConsentState fromRecordUsed(ConsentRecordUsed r) {
        return new ConsentState(
                r.getPurpose() == null ? null : Purpose.of(r.getPurpose()),
                ConsentStatus.valueOf(r.getStatus()),
                r.getCapturedAt().toEpochMilli(),
                r.getExpiresAt() == null ? null : r.getExpiresAt().toEpochMilli(),
                r.getJurisdiction(),
                r.getSource(),
                r.getNoticeVersion(),
                r.getConsentId());
    }
}
