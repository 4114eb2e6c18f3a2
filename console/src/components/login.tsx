import { useState } from 'preact/hooks';
import { signIn, type LoginRequest } from '../auth';

/** Asks for an account of the NameServer's ACL file (its accessKey and secretKey). */
export function LoginForm(props: { request: LoginRequest }) {
  const [accessKey, setAccessKey] = useState('');
  const [secretKey, setSecretKey] = useState('');
  return (
    <form
      class="login"
      aria-label="Sign in"
      onSubmit={(e) => {
        e.preventDefault();
        if (accessKey && secretKey) signIn(accessKey, secretKey);
      }}
    >
      <h1>Sign in</h1>
      <p class="muted">This NameServer checks signed requests (aclEnable=true): use an account of its ACL file. It is kept until this browser tab closes.</p>
      {props.request.refused && (
        <p class="note note-error" role="alert">
          {props.request.refused}
        </p>
      )}
      <label>
        Access key
        <input type="text" name="accessKey" autocomplete="username" required value={accessKey} onInput={(e) => setAccessKey(e.currentTarget.value)} />
      </label>
      <label>
        Secret key
        <input type="password" name="secretKey" autocomplete="current-password" required value={secretKey} onInput={(e) => setSecretKey(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary">
        Sign in
      </button>
    </form>
  );
}
