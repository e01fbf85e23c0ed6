package dev.consentgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PurposeTest {

    @Test
    void allOfKeepsTheKeysOrderAndDuplicates() {
        assertThat(Purpose.allOf(List.of("marketing.communications.email", "analytics.reporting", "marketing.communications.email")))
                .containsExactly(Purpose.of("marketing.communications.email"), Purpose.of("analytics.reporting"),
                        Purpose.of("marketing.communications.email"));
        assertThat(Purpose.allOf(List.of())).isEmpty();
    }

    @Test
    void allOfRejectsAKeyThatIsNoPurposeAsOfDoes() {
        assertThatThrownBy(() -> Purpose.allOf(List.of("analytics.reporting", "Marketing Emails")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("purpose 'Marketing Emails' is not a dotted key of lowercase words (e.g. marketing.communications.email)");
    }

    @Test
    void ofHandsOutOnePurposeAndOneKeyStringPerKey() {
        // Built apart, as a decoded event's text is, so that only the kept purpose can make them the same.
        String first = new String("personalize.profiling".toCharArray());
        String second = new String("personalize.profiling".toCharArray());

        Purpose purpose = Purpose.of(first);

        assertThat(Purpose.of(second)).isSameAs(purpose);
        assertThat(Purpose.allOf(List.of(second)).get(0)).isSameAs(purpose);
    }

    @Test
    void aRejectedKeyIsNotKeptAndIsRejectedAgain() {
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> Purpose.of("analytics..reporting")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
