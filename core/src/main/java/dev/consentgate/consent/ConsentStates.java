package dev.consentgate.consent;

import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.ConsentChoice;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.SignalOrigin;
import dev.consentgate.schema.ConsentRecordUsed;
import dev.consentgate.schema.SignalUsed;
import java.time.Instant;

/**
 * A consent state as the {@link ConsentRecordUsed} Avro record, the shape in which an audit record reports the
 * consent used and the consent store keeps each statement, and back.
 */
public final class ConsentStates {

    private ConsentStates() {
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
                state.consentId(),
                state.signal() == null ? null : new SignalUsed(state.signal().kind(), state.signal().value(), state.signal().meaning()));
    }

    static ConsentState fromRecordUsed(ConsentRecordUsed r) {
        return new ConsentState(
                r.getPurpose() == null ? null : Purpose.of(r.getPurpose()),
                ConsentChoice.valueOf(r.getStatus()),
                r.getCapturedAt().toEpochMilli(),
                r.getExpiresAt() == null ? null : r.getExpiresAt().toEpochMilli(),
                r.getJurisdiction(),
                r.getSource(),
                r.getNoticeVersion(),
                r.getConsentId(),
                r.getSignal() == null ? null : new SignalOrigin(r.getSignal().getKind(), r.getSignal().getValue(), r.getSignal().getMeaning()));
    }
}
