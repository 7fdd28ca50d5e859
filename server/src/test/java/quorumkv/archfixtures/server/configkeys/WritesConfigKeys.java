package quorumkv.archfixtures.server.configkeys;

import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;

/** Breaks "only RaftPropertiesFactory writes Ratis config keys" (through a nested *ConfigKeys class). */
public class WritesConfigKeys {
  static void configure(RaftProperties properties) {
    RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.ONE_SECOND);
  }
}
