package dev.consentgate.policy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The policy's {@code signals} section: how privacy signals (TCF, GPP, GPC) become consent statements.
 *
 * @param tcf the TCF mapping, used for TC strings and the {@code tcfeuv2} section of GPP strings; empty: TCF grants nothing
 * @param gpp GPP US section name → opt-out → purpose keys; a section or opt-out not listed states nothing
 * @param gpc what GPC opts out of
 */
public record SignalMapping(Optional<TcfMapping> tcf, Map<String, Map<UsOptOut, Set<Purpose>>> gpp, GpcMapping gpc) {

    public SignalMapping {
        gpp = Map.copyOf(gpp);
    }
}
