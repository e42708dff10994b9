package dev.sycostream.cli;

import dev.sycostream.topics.Topics;
import dev.sycostream.topology.SycostreamTopology;
import picocli.CommandLine.Command;

import java.util.Map;

@Command(name = "describe-topology", description = "Prints the Kafka Streams topology description (as checked in at topology/topology.txt).")
final class DescribeTopologyCommand implements Runnable {
    @Override
    public void run() {
        Topics topics = new Topics(Map.of("schema.registry.url", "mock://describe"));
        System.out.print(SycostreamTopology.buildTopology(topics, SycostreamTopology.Settings.DEFAULT).describe());
    }
}
