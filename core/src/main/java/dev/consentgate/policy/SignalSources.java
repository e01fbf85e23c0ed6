package dev.consentgate.policy;

import java.util.Optional;

/**
 * Where the events of one input carry privacy signals: a TC string, a GPP string, a GPC flag. Each becomes consent
 * statements, as the policy's {@code signals} section maps it, before its own event is decided.
 *
 * @param tcf where a TCF v2 TC string is
 * @param gpp where a GPP string is
 * @param gpc where a Global Privacy Control flag is: {@code 1} or {@code 0} (or a boolean field)
 */
public record SignalSources(Optional<ValueSource> tcf, Optional<ValueSource> gpp, Optional<ValueSource> gpc) {

    /** An input whose events carry no signal. */
    public static final SignalSources NONE = new SignalSources(Optional.empty(), Optional.empty(), Optional.empty());

    public boolean isEmpty() {
        return tcf.isEmpty() && gpp.isEmpty() && gpc.isEmpty();
    }
}
