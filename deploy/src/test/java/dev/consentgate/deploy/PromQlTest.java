package dev.consentgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.deploy.PromQl.Selector;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void aggregationsFunctionsGroupingLabelsDurationsAndStringsAreNotSelectors() {
        String expr = "histogram_quantile(0.99, sum by (application, le) (rate(consentgate_decision_lag_seconds_bucket[5m] offset 1h))) > 1e3";

        assertThat(PromQl.selectors(expr)).containsExactly(new Selector("consentgate_decision_lag_seconds_bucket", Set.of()));
    }

    @Test
    void matchersGiveTheirLabelNamesWhateverTheOperatorAndValue() {
        String expr = "sum by (purpose) (rate(consentgate_decisions_total{application=~\"$application\", decision!=\"a,b}\\\"\"}[$__rate_interval]))"
                + " / on (purpose) group_left (reason) max without (x) (other_metric{ reason !~ 'r' })";

        assertThat(PromQl.selectors(expr)).containsExactly(
                new Selector("consentgate_decisions_total", Set.of("application", "decision")),
                new Selector("other_metric", Set.of("reason")));
    }

    @Test
    void recordedSeriesAndBinaryOperatorsAreRead() {
        String expr = "consentgate:drop_ratio:rate15m - consentgate:drop_ratio:rate1d > 0.2 and on () up == bool 1 unless absent(x)";

        assertThat(PromQl.selectors(expr)).extracting(Selector::metric)
                .containsExactly("consentgate:drop_ratio:rate15m", "consentgate:drop_ratio:rate1d", "up", "x");
    }

    @Test
    void aSelectorWithoutAMetricNameIsRefused() {
        assertThatThrownBy(() -> PromQl.selectors("sum({__name__=\"x\"})")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a selector without a metric name in: sum({__name__=\"x\"})");
    }
}
