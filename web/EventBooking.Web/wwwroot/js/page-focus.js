// Where the keyboard goes after a route change (Routes.razor's PageFocus): to the new page's h1, so a screen reader reads
// the page's title and the next Tab starts at the top of its content. A page that is still loading has no h1 yet: focus
// waits on <main> and moves to the h1 when it appears, unless the user has moved it meanwhile.
function focusQuietly(element) {
    if (!element.hasAttribute('tabindex')) {
        element.tabIndex = -1;
    }

    element.focus({ preventScroll: true });
}

export function focusPage(waitMs) {
    const main = document.querySelector('main');
    const heading = (main ?? document).querySelector('h1');
    if (heading) {
        focusQuietly(heading);
        return;
    }

    if (!main) {
        return;
    }

    focusQuietly(main);
    const observer = new MutationObserver(() => {
        const late = main.querySelector('h1');
        if (late) {
            stop();
            if (document.activeElement === main) {
                focusQuietly(late);
            }
        }
    });
    const timer = setTimeout(() => stop(), waitMs);
    function stop() {
        observer.disconnect();
        clearTimeout(timer);
    }

    observer.observe(main, { childList: true, subtree: true });
}
