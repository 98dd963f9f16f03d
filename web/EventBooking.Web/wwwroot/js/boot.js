// Loads Blazor's script and then MudBlazor's, in that order, after the page's first paint: a deferred script runs once the
// document is parsed and its stylesheets are in, and this one waits for the next frame to be painted. So the 64 KB of
// compressed script neither share the first paint's bandwidth with the CSS (on a slow link they delayed it by about a third
// of a second) nor sit on its path. The prerendered page reads and its links work meanwhile; the circuit starts when
// Blazor's script has run. An external file, as the Content-Security-Policy allows no inline script.
(function () {
    const scripts = (document.currentScript.dataset.scripts || '').split(' ').filter(Boolean);
    let loaded = false;
    function load() {
        if (loaded) {
            return;
        }

        loaded = true;
        for (const src of scripts) {
            const script = document.createElement('script');
            script.src = src;
            // Dynamically inserted scripts run as soon as each arrives unless told to keep their order: Blazor first.
            script.async = false;
            document.body.appendChild(script);
        }
    }

    // A task queued from an animation frame runs after that frame is painted; a page in a background tab paints no frame,
    // so the timer loads the scripts anyway.
    requestAnimationFrame(() => setTimeout(load, 0));
    setTimeout(load, 1000);
})();
