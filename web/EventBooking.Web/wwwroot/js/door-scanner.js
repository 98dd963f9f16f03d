// The check-in page's camera: reads ticket QR codes from the device camera (jsQR decodes frames drawn on a canvas) and
// hands each code to the page, with the door the field shows at that moment. Also remembers, per device and event, the
// door the staff typed: a reload or a new circuit (a phone that slept) keeps recording the right entrance. Loaded only by
// /organizer/events/{id}/check-in.
let reader;

const doorKey = eventId => `eventbooking.door.${eventId}`;

// The door this device last recorded for the event, or null; null too once the staff have started on the door field (it has
// the focus, or no longer shows `shown`, what the page put there): what they type is never replaced by what was recorded.
export function recallDoor(eventId, doorInputId, shown) {
    const field = document.getElementById(doorInputId);
    if (field && (field === document.activeElement || field.value !== shown)) {
        return null;
    }

    try {
        return localStorage.getItem(doorKey(eventId));
    } catch {
        return null; // storage disabled: the page's default stands
    }
}

// Puts the focus in the field `inputId`, unless the staff have already put it somewhere: the page gets here once its circuit
// runs, which can be after they have started typing the door, and their keys must stay in the field they chose.
export function focusIfNowhere(inputId) {
    const active = document.activeElement;
    if (!active || active === document.body) {
        document.getElementById(inputId)?.focus({ preventScroll: true });
    }
}

export function rememberDoor(eventId, door) {
    try {
        if (door) {
            localStorage.setItem(doorKey(eventId), door);
        } else {
            localStorage.removeItem(doorKey(eventId));
        }
    } catch {
        // storage disabled or full: the door is still used for this page
    }
}

function loadReader() {
    if (window.jsQR) {
        return Promise.resolve(window.jsQR);
    }

    reader ??= new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = new URL('../lib/jsqr/jsQR.js', import.meta.url).href;
        script.onload = () => resolve(window.jsQR);
        script.onerror = () => reject(new Error('The QR code reader could not be loaded.'));
        document.head.appendChild(script);
    });
    return reader;
}

// Starts the camera into `video` and calls `page.invokeMethodAsync('OnScannedAsync', code, door)` for every code read (the
// same code again only after `repeatMs`), `door` being what the input `doorInputId` shows then. Returns an object whose
// `stop()` ends the camera.
export async function start(video, page, repeatMs, doorInputId) {
    const jsQR = await loadReader();
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    video.srcObject = stream;
    await video.play();

    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    let stopped = false;
    let last = '';
    let lastAt = 0;
    let timer = 0;

    const look = async () => {
        if (stopped) {
            return;
        }

        if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth > 0) {
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            context.drawImage(video, 0, 0, canvas.width, canvas.height);
            const frame = context.getImageData(0, 0, canvas.width, canvas.height);
            const found = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'attemptBoth' });
            const now = performance.now();
            if (found && found.data && (found.data !== last || now - lastAt > repeatMs)) {
                last = found.data;
                lastAt = now;
                try {
                    const door = document.getElementById(doorInputId)?.value ?? null;
                    await page.invokeMethodAsync('OnScannedAsync', found.data, door);
                } catch {
                    // The page went away (navigation, closed circuit): stop below.
                    stopped = true;
                }
            }
        }

        // About six frames a second: enough for a code held up to the camera, and easy on a phone's battery.
        if (!stopped) {
            timer = setTimeout(look, 160);
        }
    };
    look();

    return {
        stop() {
            stopped = true;
            clearTimeout(timer);
            stream.getTracks().forEach(track => track.stop());
            video.srcObject = null;
        },
    };
}
