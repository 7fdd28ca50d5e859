package quorumkv.archfixtures.client.configkeys.client.internal;

import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.util.TimeDuration;

/** The fixture's one allowed writer of Ratis config keys. */
public class Transport {
  static RaftProperties properties() {
    RaftProperties p = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.ONE_SECOND);
    return p;
  }
}
