package dev.consentgate.signal;

import com.iab.gpp.encoder.GppModel;
import com.iab.gpp.encoder.datatype.RangeEntry;
import com.iab.gpp.encoder.field.TcfEuV2Field;
import com.iab.gpp.encoder.section.TcfEuV2;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Policies with a signals section, and TC and GPP strings made with the IAB's own encoder. */
public final class SignalFixtures {

    /** The vendor the test policies configure. */
    public static final int VENDOR = 755;

    /** IAB TCF v2 example string: a valid TC string that consents to nothing, for no vendor. */
    public static final String TCF_NOTHING = "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA";
    /** IAB TCF v2 example string: purposes 1 to 3 consented, vendors 2, 6 and 8 with consent and legitimate interest. */
    public static final String TCF_PURPOSES_1_TO_3_VENDORS_2_6_8 = "COvFyGBOvFyGBAbAAAENAPCAAOAAAAAAAAAAAEEUACCKAAA";
    /** IAB GPP example: a header and one TCF EU v2 section (TCF_NOTHING). */
    public static final String GPP_TCF_NOTHING = "DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA";
    /** IAB GPP example: TCF EU v2 and US Privacy (uspv1: notice given, did not opt out of the sale) sections. */
    public static final String GPP_TCF_AND_USP = "DBACNY~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA~1YNN";
    /** IAB GPP example: a US Privacy section (uspv1) alone, its customer opted out of the sale (1YYN). */
    public static final String GPP_USP_OPTED_OUT_OF_SALE = "DBABTA~1YYN";
    /** IAB GPP example: a usnat section whose customer did not opt out of the sale (SaleOptOut 2). */
    public static final String GPP_USNAT_NOT_OPTED_OUT = "DBABLA~BVQqAAAAAgA.QA";

    private SignalFixtures() {
    }

    public static String examplePolicyWithSignals() {
        return examplePolicyWithSignals(VENDOR);
    }

    /**
     * The example policy, whose signals section ends the file (so a test may append to it), with another vendor. It maps
     * TCF purposes 3 and 10 to personalize.profiling (legitimate interest; purpose 3 is consent-only in TCF 2.2, 10 may
     * use legitimate interest), 4 to marketing.advertising, 7 to analytics.reporting, special feature 1 to
     * train_ai_system; GPP usnat, usca and uspv1 opt-outs; and GPC where the law gives it effect.
     */
    public static String examplePolicyWithSignals(int vendor) {
        try (InputStream in = SignalFixtures.class.getResourceAsStream("/policy/example-policy.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("vendor_id: " + VENDOR + " ", "vendor_id: " + vendor + " ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Policy policy(String yaml) {
        return PolicyParser.parse("policy.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    /** A TC string, encoded by the IAB's library, with these purposes and vendors set (numbers from 1). */
    public static TcString tcString() {
        return new TcString();
    }

    /** A GPP string with one US section whose fields have these values. */
    public static String gpp(String section, Object... namesAndValues) {
        GppModel gpp = new GppModel();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            gpp.setFieldValue(section, (String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return gpp.encode();
    }

    /** Builds a TC string field by field. */
    public static final class TcString {

        private final List<Boolean> purposeConsents = bits(24);
        private final List<Boolean> purposeLegitimateInterests = bits(24);
        private final List<Boolean> specialFeatures = bits(12);
        private final List<Integer> vendorConsents = new ArrayList<>();
        private final List<Integer> vendorLegitimateInterests = new ArrayList<>();
        private final List<RangeEntry> restrictions = new ArrayList<>();

        public TcString consent(int... purposes) {
            for (int purpose : purposes) {
                purposeConsents.set(purpose - 1, true);
            }
            return this;
        }

        public TcString legitimateInterest(int... purposes) {
            for (int purpose : purposes) {
                purposeLegitimateInterests.set(purpose - 1, true);
            }
            return this;
        }

        public TcString specialFeature(int feature) {
            specialFeatures.set(feature - 1, true);
            return this;
        }

        public TcString vendorConsent(int vendor) {
            vendorConsents.add(vendor);
            return this;
        }

        public TcString vendorLegitimateInterest(int vendor) {
            vendorLegitimateInterests.add(vendor);
            return this;
        }

        /** A publisher restriction: type 0 not allowed, 1 consent required, 2 legitimate interest required. */
        public TcString restriction(int purpose, int type, int vendor) {
            restrictions.add(new RangeEntry(purpose, type, new ArrayList<>(List.of(vendor))));
            return this;
        }

        public String encode() {
            TcfEuV2 tcf = new TcfEuV2();
            tcf.setFieldValue(TcfEuV2Field.CMP_ID, 300);
            tcf.setFieldValue(TcfEuV2Field.PURPOSE_CONSENTS, purposeConsents);
            tcf.setFieldValue(TcfEuV2Field.PURPOSE_LEGITIMATE_INTERESTS, purposeLegitimateInterests);
            tcf.setFieldValue(TcfEuV2Field.SPECIAL_FEATURE_OPTINS, specialFeatures);
            tcf.setFieldValue(TcfEuV2Field.VENDOR_CONSENTS, vendorConsents);
            tcf.setFieldValue(TcfEuV2Field.VENDOR_LEGITIMATE_INTERESTS, vendorLegitimateInterests);
            tcf.setFieldValue(TcfEuV2Field.PUBLISHER_RESTRICTIONS, restrictions);
            return tcf.encode();
        }

        private static List<Boolean> bits(int size) {
            return new ArrayList<>(Collections.nCopies(size, false));
        }
    }
}
