/** The sign-in screen: a token pasted by the person (or handed over with `#token=`). */
import { useEffect, useRef, useState } from 'react';
import { expired } from './auth';

export function SignIn({
  reason,
  onSignIn,
}: {
  reason?: string;
  onSignIn: (token: string) => void;
}) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  // The dialog takes the focus (the page under it is inert): the token field is where to type.
  useEffect(() => field.current?.focus(), []);
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="signin-title">
      <form
        className="card signin"
        aria-labelledby="signin-title"
        onSubmit={(e) => {
          e.preventDefault();
          const value = token.trim().replace(/^Bearer\s+/i, '');
          if (value.split('.').length !== 3)
            setProblem('That is not a token (a JWT has three parts separated by dots).');
          else if (expired(value)) setProblem('That token has expired: ask for a new one.');
          else onSignIn(value);
        }}
      >
        <h1 id="signin-title">Sign in to ReYNa Studio</h1>
        {reason && <p role="alert">{reason}</p>}
        <label htmlFor="signin-token">Access token</label>
        <textarea
          id="signin-token"
          ref={field}
          rows={4}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-describedby="signin-help signin-problem"
        />
        <p id="signin-help" className="hint">
          Paste the token your organisation gave you (in development:{' '}
          <code>npm run token -- you</code>).
        </p>
        {problem && (
          <p id="signin-problem" className="field-error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </div>
  );
}
