// Copies a secret the page shows once (an API token, a webhook signing secret) to the clipboard; false when the browser refuses.
export async function copyText(text) {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        return false;
    }
}
