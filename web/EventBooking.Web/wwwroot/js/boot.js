// Loads Blazor's script and then MudBlazor's, in that order, after the page's first paint: a deferred script runs once the
// document is parsed and its stylesheets are in, and this one waits for the next frame to be painted. So the 64 KB of
// compressed script neither share the first paint's bandwidth with the CSS (on a slow link they delayed it by about a third
// of a second) nor sit on its path. The prerendered page reads and its links work meanwhile; the circuit starts in the
// task after Blazor's script has run. An external file, as the Content-Security-Policy allows no inline script.
// A page rendered on the server only with nothing live on it (a visitor's catalog, sign-in) needs neither: its forms and links
// are plain HTML, so no script is loaded at all. Blazor marks each component it must bring to life with a comment
// ("<!--Blazor:{…}-->"): the whole live page, or an island such as the seats left on a visitor's event page.
(function () {
    const blazorSrc = document.currentScript.dataset.blazor;
    const scripts = (document.currentScript.dataset.scripts || '').split(' ').filter(Boolean);
    let loaded = false;
    function hasLiveComponents() {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_COMMENT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (node.data.startsWith('Blazor:')) {
                return true;
            }
        }

        return false;
    }

    function load() {
        if (loaded) {
            return;
        }

        loaded = true;
        if (!hasLiveComponents()) {
            return;
        }

        // Blazor's script starts the circuit in the task that evaluates it unless told not to (it reads this attribute of
        // document.currentScript). Started from a task of its own instead, the start is a second, shorter task rather than the
        // tail of one long one, and the page answers input in between.
        const blazor = document.createElement('script');
        blazor.src = blazorSrc;
        blazor.setAttribute('autostart', 'false');
        blazor.addEventListener('load', () => setTimeout(() => window.Blazor.start(), 0));
        for (const script of [blazor, ...scripts.map(src => Object.assign(document.createElement('script'), { src }))]) {
            // Dynamically inserted scripts run as soon as each arrives unless told to keep their order: Blazor first.
            script.async = false;
            document.body.appendChild(script);
        }
    }

    // After the first paint as the browser reports it (Paint Timing: a frame is only counted once it is presented, which on a
    // slow or busy device can be well after the frame was produced); where that is not reported, after the first animation
    // frame, whose queued task runs once the frame is painted. A page that is not shown (opened in a background tab, or
    // hidden before its first frame) paints nothing and nobody waits for its paint: it loads them at once. No short timer: on a
    // slow link the stylesheet can take seconds, and a timer that fired before the first paint would put the scripts back on
    // its path, which is what this file is for (the one below is a safety net only).
    function loadWhenHidden() {
        if (document.visibilityState === 'hidden') {
            load();
        }
    }

    document.addEventListener('visibilitychange', loadWhenHidden);
    loadWhenHidden();
    if (window.PerformanceObserver && (PerformanceObserver.supportedEntryTypes || []).includes('paint')) {
        new PerformanceObserver((entries, observer) => {
            observer.disconnect();
            setTimeout(load, 0);
        }).observe({ type: 'paint', buffered: true });
    } else {
        requestAnimationFrame(() => setTimeout(load, 0));
    }

    // Only a safety net, for a shown page that never reports a paint: far later than any first paint it could race.
    setTimeout(load, 10000);
})();
