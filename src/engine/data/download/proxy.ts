// Which way a download goes: through the proxy the editor names (VS Code's http.proxy and
// http.noProxy), else through HTTPS_PROXY / HTTP_PROXY with NO_PROXY from the environment, as
// curl and pip do. https URLs go through a CONNECT tunnel, http URLs as absolute-form requests.
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { ProxySetting } from './types';

/** A dispatcher for one download; the caller closes it when done. */
export function downloadDispatcher(proxy: ProxySetting | undefined): Dispatcher {
  const named = proxy?.url ? proxy.url : undefined;
  const noProxy = proxy && proxy.noProxy.length > 0 ? proxy.noProxy.join(',') : undefined;
  // Without a named proxy, EnvHttpProxyAgent reads the environment's variables itself.
  return new EnvHttpProxyAgent({
    ...(named ? { httpProxy: named, httpsProxy: named } : {}),
    ...(noProxy !== undefined ? { noProxy } : {}),
    proxyTunnel: false,
  });
}
