package dev.consentgate.signal;

import com.iab.gpp.encoder.GppModel;
import com.iab.gpp.encoder.field.UspV1Field;
import dev.consentgate.policy.UsOptOut;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The opt-outs one GPP US section of a decoded GPP string exercises. In these sections 1 means opted out (for
 * sensitive data, in some states, no consent) and 2 did not opt out (or consented), 0 not applicable; in the US Privacy
 * section (uspv1), Y means opted out of the sale.
 */
final class UsSectionOptOuts {

    private static final int OPTED_OUT = 1;
    /** In the US Privacy section (uspv1) the sale opt-out is a character: Y opted out, N did not, - not applicable. */
    private static final Character USP_OPTED_OUT = 'Y';

    private final String section;
    private final Set<UsOptOut> optedOut;

    private UsSectionOptOuts(String section, Set<UsOptOut> optedOut) {
        this.section = section;
        this.optedOut = optedOut;
    }

    static UsSectionOptOuts read(GppModel gpp, String section) throws MalformedSignalException {
        try {
            Set<UsOptOut> optedOut = EnumSet.noneOf(UsOptOut.class);
            addIf(optedOut, UsOptOut.SALE, gpp, section, "SaleOptOut");
            addIf(optedOut, UsOptOut.SALE, gpp, section, UspV1Field.OPT_OUT_SALE);
            addIf(optedOut, UsOptOut.SHARING, gpp, section, "SharingOptOut");
            addIf(optedOut, UsOptOut.TARGETED_ADVERTISING, gpp, section, "TargetedAdvertisingOptOut");
            addIf(optedOut, UsOptOut.SENSITIVE_DATA, gpp, section, "SensitiveDataProcessing");
            return new UsSectionOptOuts(section, optedOut);
        } catch (RuntimeException e) {
            throw new MalformedSignalException("GPP section " + section + " cannot be decoded (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A field the section does not have is no opt-out. A list (sensitive data) opts out if any entry does. */
    private static void addIf(Set<UsOptOut> optedOut, UsOptOut optOut, GppModel gpp, String section, String field) {
        if (!gpp.hasField(section, field)) {
            return;
        }
        Object value = gpp.getFieldValue(section, field);
        boolean out = value instanceof Integer number ? number == OPTED_OUT
                : value instanceof List<?> list ? list.contains(OPTED_OUT)
                : USP_OPTED_OUT.equals(value);
        if (out) {
            optedOut.add(optOut);
        }
    }

    String section() {
        return section;
    }

    boolean optedOut(UsOptOut optOut) {
        return optedOut.contains(optOut);
    }
}
