/* Read by Bootstrap Italia's bundle as it loads (base.html includes this file just before it).
   Video.js, inside the bundle, would write its default sizes into an inline <style> element,
   which the Content-Security-Policy refuses; no page of ours shows a video player. */
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
