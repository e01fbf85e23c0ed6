package dev.consentgate.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.iab.gpp.encoder.GppModel;
import com.iab.gpp.encoder.section.Sections;
import dev.consentgate.policy.GppUsSections;
import dev.consentgate.policy.UsOptOut;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The policy's table of GPP US sections agrees with the IAB library the signals are decoded with. */
class GppUsSectionsTest {

    private static final Map<UsOptOut, List<String>> FIELDS = Map.of(
            UsOptOut.SALE, List.of("SaleOptOut", "OptOutSale"),
            UsOptOut.SHARING, List.of("SharingOptOut"),
            UsOptOut.TARGETED_ADVERTISING, List.of("TargetedAdvertisingOptOut"),
            UsOptOut.SENSITIVE_DATA, List.of("SensitiveDataProcessing"));

    @Test
    void thePolicyNamesEveryUsSectionOfTheLibrary() {
        Set<String> usSections = new TreeSet<>(Sections.SECTION_ORDER);
        usSections.removeIf(name -> !name.startsWith("us"));

        assertThat(GppUsSections.names()).containsExactlyElementsOf(usSections);
    }

    @Test
    void eachSectionCarriesExactlyTheOptOutFieldsTheLibraryDecodes() {
        for (String section : GppUsSections.names()) {
            GppModel gpp = new GppModel();
            // Setting a field creates the section; a field the section lacks is refused.
            gpp.setFieldValue(section, "Version", 1);
            Set<UsOptOut> decoded = EnumSet.noneOf(UsOptOut.class);
            FIELDS.forEach((optOut, fields) -> {
                if (fields.stream().anyMatch(field -> gpp.hasField(section, field))) {
                    decoded.add(optOut);
                }
            });
            assertThat(GppUsSections.optOuts(section)).as(section).contains(decoded);
            assertThat(decoded).as(section).isNotEmpty();
        }
    }
}
