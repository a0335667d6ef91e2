/* The site's own behaviour, on every page (loaded by base.html).
   Bootstrap Italia's fonts are not loaded from here: its loadFonts() writes an inline <style>,
   which the Content-Security-Policy refuses; static/site/fonts.css declares them instead. */
