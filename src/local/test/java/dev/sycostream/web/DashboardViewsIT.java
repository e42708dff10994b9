package dev.sycostream.web;

import dev.sycostream.avro.Comparison;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.compare.PairedDifference;
import dev.sycostream.config.SycostreamConfig;
import dev.sycostream.demo.EvaluationRun;
import dev.sycostream.demo.SimSpec;
import dev.sycostream.embedded.EmbeddedStack;
import dev.sycostream.history.Comparer;
import dev.sycostream.input.ReadResult;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.testing.Fixtures;
import dev.sycostream.topology.SycostreamTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The forest, checkpoint and pair views in a real headless Chromium, against what the pipeline measured for three
 * checkpoints of one model (registered in an order that is not the alphabetical one) and one other model: the page
 * must show the same rates, order, opinion gaps, verdicts and paired differences as the results and the
 * comparisons computed here from the topics. Screenshots: {@code target/test-artifacts/dashboard-{forest,trend,pair}.png}.
 * Skipped where Chromium or its driver is not installed (see {@link DashboardBrowserIT}).
 */
class DashboardViewsIT {
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("sycostream.chromedriver", "/usr/bin/chromedriver"));
    private static final Path CHROMIUM = Path.of(System.getProperty("sycostream.chromium", "/usr/bin/chromium"));
    private static final String WITH = "agree_wrong_with_opinion";
    private static final String WITHOUT = "agree_wrong_no_opinion";

    @TempDir
    Path stateDir;

    @Test
    void theForestCheckpointAndPairViewsShowWhatThePipelineMeasured() throws Exception {
        assumeTrue(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "browser test skipped: needs " + CHROMIUM + " and " + CHROMEDRIVER);
        try (EmbeddedStack stack = new EmbeddedStack(null).start()) {
            SycostreamConfig config = SycostreamConfig.embedded(stack.bootstrapServers(), stack.schemaRegistryUrl(), stateDir, 2);
            try (EvaluationRun run = EvaluationRun.start(config, SycostreamTopology.Settings.DEFAULT, 1, WebOptions.loopback(0))) {
                // Registration order sim-c, sim-a, sim-b: the model's checkpoints, each less sycophantic than the last.
                register(run, "sim-c", "sim", "step-1000", "sycophancy=0.8,knowledge=0.9,seed=1");
                register(run, "sim-a", "sim", "step-2000", "sycophancy=0.4,knowledge=0.9,seed=2");
                register(run, "sim-b", "sim", "step-3000", "sycophancy=0.05,knowledge=0.9,seed=3");
                register(run, "other-x", "other", "v1", "sycophancy=0.3,knowledge=0.9,seed=4");
                run.ingest(new ReadResult(Fixtures.additionItems(150), List.of()));
                assertThat(run.awaitComplete(Duration.ofMinutes(4), line -> System.err.println("ViewsIT: " + line))).isTrue();
                Map<String, MetricResult> results = run.finalResults().stream()
                        .collect(Collectors.toMap(r -> r.getTargetId() + "|" + r.getTask() + "|" + r.getMetric(), Function.identity()));
                Comparer comparer = new Comparer(config.clientConfig(), run.topics());

                String dashboard = run.dashboard().orElseThrow().url();
                // /api/compare answers from the comparison stage's state, which follows the answers a commit behind
                for (String[] pair : new String[][]{{"sim-c", "sim-a"}, {"sim-a", "sim-b"}, {"sim-c", "sim-b"}}) {
                    awaitStreamedEqualsRecount(dashboard, comparer, pair[0], pair[1]);
                }
                ChromeDriver browser = browser();
                try {
                    String url = dashboard;
                    forest(browser, url, results);
                    trend(browser, url, comparer);
                    pair(browser, url, comparer);
                } finally {
                    browser.quit();
                }
            }
        }
    }

    private static void forest(ChromeDriver browser, String url, Map<String, MetricResult> results) throws Exception {
        browser.get(url + "#forest=addition/" + WITH + "&sort=rate");
        List<WebElement> rows = await(browser, d -> {
            List<WebElement> r = d.findElements(By.cssSelector("#forest-chart .forest-row"));
            return r.size() == 4 ? r : null;
        });
        List<String> byRate = List.of("sim-c", "sim-a", "sim-b", "other-x").stream()
                .sorted(Comparator.comparingDouble((String t) -> results.get(t + "|addition|" + WITH).getRate()).thenComparing(t -> t))
                .toList();
        assertThat(rows.stream().map(r -> r.getAttribute("data-target")).toList()).isEqualTo(byRate);
        for (WebElement tr : browser.findElements(By.cssSelector("#forest-table tbody tr"))) {
            MetricResult r = results.get(tr.getAttribute("data-target") + "|addition|" + WITH);
            assertThat(tr.findElement(By.cssSelector(".rate")).getText()).isEqualTo(three(r.getRate()));
            assertThat(tr.findElement(By.cssSelector(".ci")).getText())
                    .isEqualTo("[" + three(r.getCiLow()) + ", " + three(r.getCiHigh()) + "]");
        }
        shot(browser, "forest-view", "dashboard-forest.png");

        // highest first, and the choice is in the URL
        new Select(browser.findElement(By.id("forest-sort"))).selectByValue("-rate");
        await(browser, d -> firstRow(d).equals(byRate.get(3)) ? true : null);
        assertThat(browser.getCurrentUrl()).contains("sort=-rate");

        // the opinion gap: with minus without the user's opinion, per target
        new Select(browser.findElement(By.id("forest-metric"))).selectByValue("addition/opinion_gap");
        await(browser, d -> d.findElement(By.id("forest-gap-note")).isDisplayed() ? true : null);
        for (WebElement g : browser.findElements(By.cssSelector("#forest-chart .forest-row"))) {
            String t = g.getAttribute("data-target");
            double gap = results.get(t + "|addition|" + WITH).getRate() - results.get(t + "|addition|" + WITHOUT).getRate();
            assertThat(Double.parseDouble(g.getAttribute("data-rate"))).as(t).isCloseTo(gap, within(1e-9));
            assertThat(Double.parseDouble(g.getAttribute("data-low"))).isLessThan(gap);
            assertThat(Double.parseDouble(g.getAttribute("data-high"))).isGreaterThan(gap);
        }
        assertThat(browser.findElements(By.cssSelector("#forest-chart .forest-row"))).hasSize(4);

        // filter and paging, both held in the URL: a deep link opens the same page
        browser.findElement(By.id("forest-filter")).sendKeys("sim-");
        await(browser, d -> d.findElements(By.cssSelector("#forest-chart .forest-row")).size() == 3 ? true : null);
        assertThat(browser.getCurrentUrl()).contains("q=sim-");
        browser.get(url + "#forest=addition/" + WITH + "&sort=target&size=2&page=2");
        browser.navigate().refresh();
        await(browser, d -> d.findElement(By.id("forest-page")).getText().equals("page 2 / 2 (4 targets)") ? true : null);
        assertThat(browser.findElements(By.cssSelector("#forest-chart .forest-row")).stream()
                .map(r -> r.getAttribute("data-target")).toList()).containsExactly("sim-b", "sim-c");
        browser.findElement(By.id("forest-prev")).click();
        await(browser, d -> firstRow(d).equals("other-x") ? true : null);
        assertThat(browser.getCurrentUrl()).contains("page=1");
    }

    private static void trend(ChromeDriver browser, String url, Comparer comparer) throws Exception {
        browser.get(url + "#model=sim&task=addition");
        browser.navigate().refresh();
        List<WebElement> points = await(browser, d -> {
            List<WebElement> p = d.findElements(By.cssSelector("#trend-chart .trend-point[data-metric='" + WITH + "']"));
            return p.size() == 3 && !p.get(2).getAttribute("data-verdict").isEmpty() ? p : null;
        });
        // registration order, not the alphabetical one
        assertThat(points.stream().map(p -> p.getAttribute("data-target")).toList()).containsExactly("sim-c", "sim-a", "sim-b");
        assertThat(points.get(0).getAttribute("data-verdict")).as("the first checkpoint has nothing before it").isEmpty();
        String[] order = {"sim-c", "sim-a", "sim-b"};
        for (int i = 1; i < order.length; i++) {
            List<Comparison> paired = comparer.compare(order[i - 1], order[i], 0.05, Duration.ofSeconds(30));
            for (Comparison c : paired) {
                WebElement point = browser.findElement(By.cssSelector("#trend-chart .trend-point[data-target='" + order[i]
                        + "'][data-metric='" + c.getMetric() + "']"));
                assertThat(point.getAttribute("data-verdict")).as(order[i] + " " + c.getMetric()).isEqualTo(c.getVerdict());
            }
            // each checkpoint is much less sycophantic than the one before: the page says so
            assertThat(paired.stream().filter(c -> c.getMetric().equals(WITH)).findFirst().orElseThrow().getVerdict())
                    .isEqualTo("improved");
        }
        WebElement cell = browser.findElement(By.cssSelector("#trend-table tr[data-target='sim-a'] td[data-metric='" + WITH + "']"));
        assertThat(cell.getText()).contains("improved");
        assertThat(browser.findElements(By.cssSelector("#trend-chart polygon.band"))).as("an interval band per metric").hasSizeGreaterThanOrEqualTo(3);
        shot(browser, "trend-view", "dashboard-trend.png");
    }

    private static void pair(ChromeDriver browser, String url, Comparer comparer) throws Exception {
        browser.get(url + "#base=sim-c&candidate=sim-b");
        browser.navigate().refresh();
        Comparison expected = comparer.compare("sim-c", "sim-b", 0.05, Duration.ofSeconds(30)).stream()
                .filter(c -> c.getTask().equals("addition") && c.getMetric().equals(WITH)).findFirst().orElseThrow();
        String verdict = await(browser, d -> d.findElement(By.cssSelector("#pair-addition-" + WITH + " .verdict")).getText());
        assertThat(verdict).isEqualTo(expected.getVerdict()).isEqualTo("improved");
        PairedDifference d = PairedDifference.of(expected.getPairedN(), expected.getBaseOnly(), expected.getCandidateOnly());
        assertThat(browser.findElement(By.cssSelector("#pair-addition-" + WITH + " .paired")).getText())
                .isEqualTo(signed(d.difference()) + " [" + signed(d.low()) + ", " + signed(d.high()) + "]");
        assertThat(d.high()).as("the candidate is clearly less sycophantic").isNegative();
        assertThat(browser.findElements(By.cssSelector("#pair-chart .forest-row")))
                .hasSize(browser.findElements(By.cssSelector("#pair-table tbody tr")).size()).isNotEmpty();
        shot(browser, "pair-view", "dashboard-pair.png");
    }

    /** Waits until the pair's comparison from the stage's state has the recount's counts and p-values. */
    private static void awaitStreamedEqualsRecount(String url, Comparer comparer, String base, String candidate) throws Exception {
        List<String> expected = comparer.compare(base, candidate, 0.05, Duration.ofSeconds(30)).stream()
                .map(DashboardViewsIT::counts).toList();
        List<String> streamed = List.of();
        for (long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos(); System.nanoTime() < deadline; Thread.sleep(250)) {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url + "api/compare?base=" + base + "&candidate=" + candidate)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                streamed = dev.sycostream.compare.CompareFormatter.parse(new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(response.body()).get("comparisons").toString()).stream().map(DashboardViewsIT::counts).toList();
                if (streamed.equals(expected)) {
                    return;
                }
            }
        }
        assertThat(streamed).as(base + " vs " + candidate + " from the stage's state").isEqualTo(expected);
    }

    private static String counts(Comparison c) {
        return c.getTask() + "|" + c.getMetric() + " " + c.getBaseCount() + "/" + c.getBaseN() + " " + c.getCandidateCount()
                + "/" + c.getCandidateN() + " b=" + c.getBaseOnly() + " c=" + c.getCandidateOnly() + " p=" + c.getPValue();
    }

    private static void register(EvaluationRun run, String id, String model, String checkpoint, String sim) throws InterruptedException {
        run.register(TargetRegistrar.target(id, model, checkpoint, "simulated", SimSpec.parse(id + ":" + sim).params()));
        Thread.sleep(20); // distinct registered_at_ms, the order the trend view follows
    }

    private static String firstRow(WebDriver d) {
        return d.findElements(By.cssSelector("#forest-chart .forest-row")).stream().findFirst()
                .map(r -> r.getAttribute("data-target")).orElse("");
    }

    private static <T> T await(WebDriver browser, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, Duration.ofSeconds(40)).ignoring(StaleElementReferenceException.class)
                .ignoring(NoSuchElementException.class).until(condition::apply);
    }

    private static String three(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** As the page writes a signed number: a sign for positive values, three decimals. */
    private static String signed(double v) {
        return (v >= 0 ? "+" : "") + three(v);
    }

    private static ChromeDriver browser() {
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1400");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void shot(ChromeDriver browser, String sectionId, String name) throws Exception {
        WebElement section = browser.findElement(By.id(sectionId));
        browser.executeScript("arguments[0].scrollIntoView()", section);
        File file = section.getScreenshotAs(OutputType.FILE);
        Path artifacts = Path.of("target", "test-artifacts");
        Files.createDirectories(artifacts);
        Path png = Files.copy(file.toPath(), artifacts.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(png)).isPositive();
    }
}
