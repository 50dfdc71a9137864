/** The banner over every page while the Studio cannot reach the API's live connection. */
import { useConnection } from './live';
import './live.css';

export function OfflineBanner() {
  const { online } = useConnection();
  if (online) return null;
  return (
    <div className="offline-banner" role="alert">
      <strong>You are offline.</strong> Reconnecting… What you type is kept in this browser and
      saved when the connection is back.
    </div>
  );
}
