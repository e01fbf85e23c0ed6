package dev.consentgate.signal;

import com.iab.gpp.encoder.datatype.RangeEntry;
import com.iab.gpp.encoder.field.TcfEuV2Field;
import com.iab.gpp.encoder.section.TcfEuV2;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a TCF v2 TC string says, decoded by the IAB's library: the purposes and special features consented to, the
 * purposes whose legitimate interest was disclosed and not objected to, the vendors with consent or legitimate interest,
 * and the publisher's restrictions.
 */
final class TcfConsents {

    /** Publisher restriction type 0: the purpose is not allowed for the vendor at all. */
    private static final int NOT_ALLOWED = 0;
    /** Publisher restriction type 1: the vendor may rely on consent only, not on legitimate interest. */
    private static final int REQUIRE_CONSENT = 1;
    /** Publisher restriction type 2: the vendor may rely on legitimate interest only, not on consent. */
    private static final int REQUIRE_LEGITIMATE_INTEREST = 2;

    private final List<Boolean> purposeConsents;
    private final List<Boolean> purposeLegitimateInterests;
    private final List<Boolean> specialFeatureOptIns;
    private final Set<Integer> vendorConsents;
    private final Set<Integer> vendorLegitimateInterests;
    private final List<RangeEntry> restrictions;

    private TcfConsents(TcfEuV2 section) {
        this.purposeConsents = section.getPurposeConsents();
        this.purposeLegitimateInterests = section.getPurposeLegitimateInterests();
        this.specialFeatureOptIns = section.getSpecialFeatureOptins();
        this.vendorConsents = new HashSet<>(section.getVendorConsents());
        this.vendorLegitimateInterests = new HashSet<>(section.getVendorLegitimateInterests());
        this.restrictions = section.getPublisherRestrictions();
    }

    /**
     * Decodes a TC string, or the TCF EU v2 section of a GPP string.
     *
     * @param what names the string in messages: "TC string", "GPP section tcfeuv2"
     */
    static TcfConsents decode(String tcString, String what) throws MalformedSignalException {
        // The library takes a string without a core segment for one whose every field has its default (nothing
        // consented): a TCF v2 core segment starts with version 2, six bits that are "C" in base64url.
        if (!tcString.startsWith("C")) {
            throw new MalformedSignalException(what + " without a TCF v2 core segment");
        }
        try {
            // The library decodes lazily: every field is read here, so a malformed string fails now, not later.
            TcfEuV2 section = new TcfEuV2(tcString);
            Object version = section.getFieldValue(TcfEuV2Field.VERSION);
            if (!Integer.valueOf(2).equals(version)) {
                throw new MalformedSignalException(what + " of TCF version " + version + ", not 2");
            }
            return new TcfConsents(section);
        } catch (RuntimeException e) {
            // The library's messages quote the string: only the exception's type is kept.
            throw new MalformedSignalException(what + " cannot be decoded (" + e.getClass().getSimpleName() + ")");
        }
    }

    boolean purposeConsent(int purpose) {
        return bit(purposeConsents, purpose);
    }

    boolean purposeLegitimateInterest(int purpose) {
        return bit(purposeLegitimateInterests, purpose);
    }

    boolean specialFeatureOptIn(int feature) {
        return bit(specialFeatureOptIns, feature);
    }

    boolean vendorConsent(int vendor) {
        return vendorConsents.contains(vendor);
    }

    boolean vendorLegitimateInterest(int vendor) {
        return vendorLegitimateInterests.contains(vendor);
    }

    /** Whether the publisher does not allow the purpose for the vendor at all. */
    boolean notAllowed(int purpose, int vendor) {
        return restricted(purpose, vendor, NOT_ALLOWED);
    }

    /** Whether the publisher requires the vendor to rely on consent for the purpose. */
    boolean requiresConsent(int purpose, int vendor) {
        return restricted(purpose, vendor, REQUIRE_CONSENT);
    }

    /** Whether the publisher requires the vendor to rely on legitimate interest for the purpose: consent does not count. */
    boolean requiresLegitimateInterest(int purpose, int vendor) {
        return restricted(purpose, vendor, REQUIRE_LEGITIMATE_INTEREST);
    }

    private boolean restricted(int purpose, int vendor, int type) {
        for (RangeEntry restriction : restrictions) {
            if (restriction.getKey() == purpose && restriction.getType() == type && restriction.getIds().contains(vendor)) {
                return true;
            }
        }
        return false;
    }

    /** Bit {@code number} (from 1) of a bit field; one beyond its end is not set. */
    private static boolean bit(List<Boolean> bits, int number) {
        return number >= 1 && number <= bits.size() && Boolean.TRUE.equals(bits.get(number - 1));
    }
}
