package dev.consentgate.signal;

import com.iab.gpp.encoder.GppModel;
import com.iab.gpp.encoder.section.Sections;
import com.iab.gpp.encoder.section.TcfEuV2;
import dev.consentgate.policy.ConsentChoice;
import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.GpcMapping;
import dev.consentgate.policy.JurisdictionTie;
import dev.consentgate.policy.LegalBasis;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyWords;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.PurposeRule;
import dev.consentgate.policy.SignalMapping;
import dev.consentgate.policy.SignalOrigin;
import dev.consentgate.policy.TcfMapping;
import dev.consentgate.policy.UsOptOut;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a privacy signal into consent statements as the policy's {@code signals} section maps it: one statement per
 * mapped purpose key the signal speaks for, each carrying the signal and what it says about that purpose. A signal
 * states only what the policy maps: anything else in it grants nothing. What it refuses is a "no" (DENIED), so a later
 * signal that no longer grants overrides an earlier one that did.
 */
public final class SignalStatements {

    private static final String GPC_SET = "1";
    private static final String GPC_NOT_SET = "0";
    /** The field of a GPP US section's GPC segment that carries the browser's flag. */
    private static final String GPC_FIELD = "Gpc";

    private final Policy policy;
    private final SignalMapping mapping;

    /** @throws IllegalArgumentException when the policy maps no signals */
    public SignalStatements(Policy policy) {
        this.policy = policy;
        this.mapping = policy.signals().orElseThrow(() -> new IllegalArgumentException("the policy has no signals section"));
    }

    /** The statements the signal makes, in a fixed order; none when the policy maps nothing it says. */
    public List<ConsentState> of(Signal signal) throws MalformedSignalException {
        List<ConsentState> statements = new ArrayList<>();
        switch (signal.kind()) {
            case TCF -> tcf(signal, TcfConsents.decode(signal.value(), "TC string"), statements);
            case GPP -> gpp(signal, statements);
            case GPC -> gpc(signal, statements);
        }
        return statements;
    }

    private void tcf(Signal signal, TcfConsents tc, List<ConsentState> statements) {
        if (mapping.tcf().isEmpty()) {
            return;
        }
        TcfMapping tcf = mapping.tcf().get();
        int vendor = tcf.vendorId();
        for (int purpose = 1; purpose <= TcfMapping.PURPOSES; purpose++) {
            for (Purpose key : sorted(tcf.purposes().getOrDefault(purpose, Set.of()))) {
                Given given = tcfPurpose(tc, purpose, vendor, mayRelyOnLegitimateInterest(key));
                statements.add(statement(signal, key, given.yes(), "TCF purpose " + purpose + " for vendor " + vendor + ": " + given.why()));
            }
        }
        for (int feature = 1; feature <= TcfMapping.SPECIAL_FEATURES; feature++) {
            boolean optedIn = tc.specialFeatureOptIn(feature);
            for (Purpose key : sorted(tcf.specialFeatures().getOrDefault(feature, Set.of()))) {
                statements.add(statement(signal, key, optedIn, "TCF special feature " + feature + ": " + (optedIn ? "opted in" : "not opted in")));
            }
        }
    }

    /** Whether a TCF purpose is given, and why, in the words the audit record keeps. */
    private record Given(boolean yes, String why) {
    }

    /**
     * Consent needs the purpose's consent and the vendor's, and counts only where the publisher does not require legitimate
     * interest (restriction type 2). Legitimate interest counts only for a purpose key whose rule
     * rests on it, only for the purposes TCF 2.2 allows it for, and only when disclosed for the purpose and the vendor
     * without objection and not excluded by the publisher.
     */
    private static Given tcfPurpose(TcfConsents tc, int purpose, int vendor, boolean keyRestsOnLegitimateInterest) {
        if (tc.notAllowed(purpose, vendor)) {
            return new Given(false, "not allowed by the publisher's restrictions");
        }
        boolean purposeConsent = tc.purposeConsent(purpose);
        boolean vendorConsent = tc.vendorConsent(vendor);
        boolean consentExcluded = tc.requiresLegitimateInterest(purpose, vendor);
        if (purposeConsent && vendorConsent && !consentExcluded) {
            return new Given(true, "consent given");
        }
        boolean legitimateInterest = keyRestsOnLegitimateInterest && TcfMapping.allowsLegitimateInterest(purpose)
                && !tc.requiresConsent(purpose, vendor)
                && tc.purposeLegitimateInterest(purpose) && tc.vendorLegitimateInterest(vendor);
        if (legitimateInterest) {
            return new Given(true, "legitimate interest established, no objection");
        }
        if (consentExcluded) {
            return new Given(false, "the publisher's restrictions require legitimate interest, and none counts here");
        }
        return new Given(false, "no consent (purpose consent " + yesNo(purposeConsent) + ", vendor consent " + yesNo(vendorConsent) + ")");
    }

    private boolean mayRelyOnLegitimateInterest(Purpose key) {
        return policy.ruleFor(key).map(PurposeRule::basis).orElse(null) == LegalBasis.LEGITIMATE_INTEREST;
    }

    private void gpp(Signal signal, List<ConsentState> statements) throws MalformedSignalException {
        // The library would take a TC string for a GPP string with only a TCF section: a GPP string starts with its
        // header, "DB" in base64url.
        if (!signal.value().startsWith("DB")) {
            throw new MalformedSignalException("GPP string without a GPP header");
        }
        GppModel gpp;
        List<Integer> sectionIds;
        try {
            gpp = new GppModel(signal.value());
            // The library decodes lazily: the header is read here, and each mapped section below, so a malformed string fails now.
            sectionIds = gpp.getHeader().getSectionsIds();
        } catch (RuntimeException e) {
            throw new MalformedSignalException("GPP string cannot be decoded (" + e.getClass().getSimpleName() + ")");
        }
        // "~" separates the header and the sections, in the order of the header's section ids.
        String[] parts = signal.value().split("~");
        if (sectionIds == null || sectionIds.isEmpty() || parts.length != sectionIds.size() + 1) {
            throw new MalformedSignalException("GPP string whose header does not list its sections");
        }
        int tcfIndex = sectionIds.indexOf(TcfEuV2.ID);
        if (tcfIndex >= 0) {
            // Decoded from its own text, to check it as a TC string is checked.
            tcf(signal, TcfConsents.decode(parts[tcfIndex + 1], "GPP section tcfeuv2"), statements);
        }
        for (Map.Entry<String, Map<UsOptOut, Set<Purpose>>> section : new TreeMap<>(mapping.gpp()).entrySet()) {
            if (gpp.hasSection(section.getKey())) {
                usSection(signal, UsSectionOptOuts.read(gpp, section.getKey()), section.getValue(), statements);
            }
        }
        Optional<String> gpcSection = sectionWithGpc(gpp, sectionIds);
        if (gpcSection.isPresent()) {
            gpcOptOut(signal, "GPC in GPP " + gpcSection.get(), statements);
        }
    }

    /**
     * The first US section whose GPC segment says the browser sent GPC, mapped or not: the flag counts as a GPC signal,
     * judged by jurisdiction like one on its own.
     */
    private static Optional<String> sectionWithGpc(GppModel gpp, List<Integer> sectionIds) throws MalformedSignalException {
        for (int id : sectionIds) {
            String section = Sections.SECTION_ID_NAME_MAP.get(id);
            if (section == null || !section.startsWith("us")) {
                continue;
            }
            try {
                if (gpp.hasField(section, GPC_FIELD) && Boolean.TRUE.equals(gpp.getFieldValue(section, GPC_FIELD))) {
                    return Optional.of(section);
                }
            } catch (RuntimeException e) {
                throw new MalformedSignalException("GPP section " + section + " cannot be decoded (" + e.getClass().getSimpleName() + ")");
            }
        }
        return Optional.empty();
    }

    private static void usSection(Signal signal, UsSectionOptOuts optOuts, Map<UsOptOut, Set<Purpose>> mapped,
                                  List<ConsentState> statements) {
        for (UsOptOut optOut : UsOptOut.values()) {
            // Only an opt-out is a statement: "did not opt out" or "not applicable" is no consent, so an earlier
            // opt-out stands until the customer grants again.
            if (!optOuts.optedOut(optOut)) {
                continue;
            }
            for (Purpose key : sorted(mapped.getOrDefault(optOut, Set.of()))) {
                statements.add(statement(signal, key, false, "GPP " + optOuts.section() + " " + PolicyWords.word(optOut) + ": opted out"));
            }
        }
    }

    private void gpc(Signal signal, List<ConsentState> statements) throws MalformedSignalException {
        if (GPC_NOT_SET.equals(signal.value())) {
            return;
        }
        if (!GPC_SET.equals(signal.value())) {
            throw new MalformedSignalException("GPC value is neither 1 nor 0");
        }
        gpcOptOut(signal, "GPC", statements);
    }

    /** The statements of a GPC flag that is set, carried by {@code signal} (a GPC signal, or a GPP string's US section). */
    private void gpcOptOut(Signal signal, String label, List<ConsentState> statements) {
        GpcMapping gpc = mapping.gpc();
        String jurisdiction = recognised(signal.jurisdiction(), gpc);
        Set<Purpose> optedOut = new TreeSet<>(Comparator.comparing(Purpose::key));
        // Without a jurisdiction, GPC opts out wherever it could have effect: fail closed.
        for (String code : jurisdiction == null ? new TreeSet<>(gpc.honouredIn()) : Set.of(jurisdiction)) {
            if (gpc.honouredIn().contains(code)) {
                optedOut.addAll(policy.jurisdiction(code).optOutPurposes());
            }
        }
        for (Map.Entry<String, Set<Purpose>> chosen : gpc.elsewhere().entrySet()) {
            if (jurisdiction == null || chosen.getKey().equals(jurisdiction)) {
                optedOut.addAll(chosen.getValue());
            }
        }
        String where = jurisdiction == null ? "no jurisdiction given, so everywhere it has effect" : "in " + jurisdiction;
        for (Purpose key : optedOut) {
            statements.add(statement(signal, key, false, label + ": opted out (" + where + ")"));
        }
    }

    /**
     * The signal's jurisdiction when the policy knows it (a jurisdiction rule for it or its region, or the GPC mapping names
     * it); otherwise none, so GPC opts out wherever it could have effect: a code the policy cannot place ({@code us-ca},
     * {@code XX}, several codes as a {@link JurisdictionTie}) must not make GPC count for nothing.
     */
    private String recognised(String code, GpcMapping gpc) {
        if (code != null && JurisdictionTie.codes(code).size() > 1) {
            return null;
        }
        if (code == null || gpc.honouredIn().contains(code) || gpc.elsewhere().containsKey(code)
                || policy.jurisdictions().containsKey(code)) {
            return code;
        }
        int dash = code.indexOf('-');
        return dash > 0 && policy.jurisdictions().containsKey(code.substring(0, dash)) ? code : null;
    }

    /**
     * A statement of the signal, with no jurisdiction: a signal says what the customer chose, not where they live, and a
     * statement's jurisdiction would become the customer's recorded one, which decides every purpose's rules. The signal's
     * jurisdiction only judges GPC.
     */
    private static ConsentState statement(Signal signal, Purpose purpose, boolean granted, String meaning) {
        return new ConsentState(purpose, granted ? ConsentChoice.GRANTED : ConsentChoice.DENIED, signal.capturedAt(), null,
                null, signal.source(), null, signal.signalId(),
                new SignalOrigin(signal.kind().name().toLowerCase(Locale.ROOT), signal.value(), meaning));
    }

    private static List<Purpose> sorted(Set<Purpose> purposes) {
        return purposes.stream().sorted(Comparator.comparing(Purpose::key)).toList();
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }
}
